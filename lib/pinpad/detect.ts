// All PIN pad adapters, in order: the first that recognises the page wins. One file per markup.
import { detect as detectDemo } from './demo-site';
import { detect as detectMilagro } from './milagro';
import type { Detection } from './types';

export type { Detection } from './types';

const ADAPTERS: ReadonlyArray<(doc: Document) => Detection | null> = [detectDemo, detectMilagro];

/** The PIN pad on this document, or null. Reads the DOM only; never runs or renders anything from it. */
export function detectPinpad(doc: Document): Detection | null {
  for (const detect of ADAPTERS) {
    const found = detect(doc);
    if (found) return found;
  }
  return null;
}
