/**
 * Server configuration: environment variables, each with a default, optionally added to by a JSON file
 * named in CONFIG_FILE (the environment wins). Parsed with zod, so a bad value stops the start with a
 * message naming the variable. Every variable is documented in the README.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const ConfigSchema = z.object({
  /** Public port: the demo site, the RPS public API (/rps/…) and the second ("cloud") D-TA (/dta2/…). */
  PORT: int(0, 65535).default(8080),
  /** Address the public port listens on. */
  HOST: z.string().min(1).default('localhost'),
  /** Private port on 127.0.0.1: the RPS private API and the first D-TA; 0 picks a free port. */
  PRIVATE_PORT: int(0, 65535).default(8081),
  /** The site's URL as users reach it (activation links, "Setup your phone"); default http://HOST:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Access-number lifetime shown to clients (clientSettings / getAccessNumber ttlSeconds). */
  ACCESS_NUMBER_TTL_SECONDS: int(5, 3600).default(99),
  /** Grace the server adds to an access number's lifetime (Milagro accessNumberExtendValiditySeconds). */
  ACCESS_NUMBER_GRACE_SECONDS: int(0, 60).default(5),
  ACCESS_NUMBER_USE_CHECKSUM: bool.default(true),
  /** Wrong PINs after which an identity is blocked (410). */
  MAX_INVALID_LOGIN_ATTEMPTS: int(1, 100).default(3),
  /** Ask clients for a device name at registration (clientSettings setDeviceName). */
  SET_DEVICE_NAME: bool.default(true),
  /** Require the e-mailed activation link; false activates registrations at once (Milagro forceActivate). */
  REQUIRE_ACTIVATION: bool.default(true),
  /** Lifetime of a registration and its activation link. */
  ACTIVATION_EXPIRE_SECONDS: int(60, 7 * 86400).default(3600),
  /** SMTP server for outgoing mail (smtp://user:pass@host:port); unset: the built-in mailbox at /mailbox. */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().min(3).default('M-Pin demo <no-reply@mpin.invalid>'),
  /**
   * Serve the built-in mailbox (/mailbox, /mailbox.json) although HOST is not a loopback address: it shows every
   * activation link to whoever reaches the server, so it is off unless asked for, and then warned about.
   */
  MAILBOX_PUBLIC: bool.default(false),
  /**
   * postgres://user:password@host:port/database: keep every record in this PostgreSQL database, so that several
   * server processes (with the same DATA_DIR secret files) serve as one. Unset: the SQLite file in DATA_DIR.
   */
  DATABASE_URL: z
    .string()
    .url()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'expected postgres://…')
    .optional(),
  /**
   * Reverse proxies in front of the public port (comma-separated addresses or CIDR ranges, e.g. 127.0.0.1): their
   * X-Forwarded-For names the client, for the per-address rate limits. Empty: clients connect directly.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** Use an external first / second D-TA instead of the built-in ones (each can run as its own process). */
  DTA1_URL: z.string().url().optional(),
  DTA2_URL: z.string().url().optional(),
  /**
   * Worker threads for the pass-2 check (server/verify/): default one per core; 0 checks on the event loop.
   */
  VERIFY_WORKERS: int(0, 64).optional(),
  /** Check the pass-2 proofs that queue up together (lib/mpin verifyBatch); off: one pairing check each. */
  BATCH_VERIFY: z
    .union([z.boolean(), z.enum(['on', 'off', 'true', 'false', '1', '0'])])
    .transform((v) => v === true || v === 'on' || v === 'true' || v === '1')
    .default(true),
  /** Requests per minute and client address on registration, pass 1/2 and access-number endpoints. */
  RATE_LIMIT_PER_MINUTE: int(1, 100000).default(120),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema> & { publicUrl: string; dataDir: string };

/** Reads the configuration from `env` (and the JSON file its CONFIG_FILE names). Throws with every bad variable named. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  let fromFile: Record<string, unknown> = {};
  if (env.CONFIG_FILE) {
    try {
      fromFile = JSON.parse(readFileSync(env.CONFIG_FILE, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`CONFIG_FILE ${env.CONFIG_FILE}: ${(e as Error).message}`, { cause: e });
    }
  }
  const raw: Record<string, unknown> = { ...fromFile };
  for (const key of Object.keys(ConfigSchema.shape)) if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const publicUrl = (c.PUBLIC_URL ?? `http://${c.HOST}:${c.PORT}`).replace(/\/+$/, '');
  return { ...c, publicUrl, dataDir: resolve(c.DATA_DIR) };
}
