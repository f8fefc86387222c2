// Counts zod's eval probe while an entrypoint loads. zod 4 decides once, when its first object schema is built,
// whether it may compile parsers with `new Function`: unless `jitless` is set by then, it tries `new Function("")`,
// which a CSP without 'unsafe-eval' reports as a violation (and web-ext lint flags). Each entrypoint test runs in its
// own test file, so that zod is loaded afresh for it (vitest runs each file in a new module graph; zod is external).

/** How many times `Function("")` / `new Function("")` ran during `load`. */
export async function evalProbes(load: () => Promise<unknown>): Promise<number> {
  const original = globalThis.Function;
  let probes = 0;
  const isProbe = (args: unknown[]) => args.length === 1 && args[0] === '';
  globalThis.Function = new Proxy(original, {
    construct(target, args, newTarget) {
      if (isProbe(args)) probes++;
      return Reflect.construct(target, args, newTarget) as object;
    },
    apply(target, self, args) {
      if (isProbe(args)) probes++;
      return Reflect.apply(target, self, args) as unknown;
    },
  });
  try {
    await load();
  } finally {
    globalThis.Function = original;
  }
  return probes;
}
