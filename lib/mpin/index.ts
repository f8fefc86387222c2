/**
 * The M-Pin protocol core, shared by the extension and the reference server: pure TypeScript on
 * @noble/curves and @noble/hashes, no browser or Node APIs. `mpin` is the BN254CX instance that
 * Milagro deployments speak; `createMpin` builds the same operations on another AMCL BN curve.
 * @module
 */
import { bn254cx } from './bn254cx.ts';
import { createMpin } from './mpin.ts';

export const mpin = /* @__PURE__ */ createMpin(bn254cx);
export { createMpin, type Mpin } from './mpin.ts';
export type { VerifyInput } from './server.ts';
export type { BatchOptions, RandomBytes } from './batch.ts';
export { bn254cx } from './bn254cx.ts';
export { createBnCurve, type BnCurve, type BnCurveParams } from './bn-curve.ts';
export { MpinInputError, fromHex, toHex } from './bytes.ts';
export { MAX_PIN, PIN_BITS, pinFromDigits } from './pin.ts';
export { randomBytes } from './random.ts';
export { buildMpinId, parseMpinId, formatIssued, type MpinId, type MpinIdFields } from './mpin-id.ts';
export {
  DEFAULT_ACCESS_NUMBER_RULES,
  generateAccessNumber,
  isValidAccessNumber,
  legacyCheckDigit,
  weightedCheckValue,
  type AccessNumberRules,
} from './access-number.ts';
export { epochDay } from './time.ts';
