/**
 * The relying party's device records (kind 'device', per mpin_id: user id, device name, PC or mobile), written
 * by /rpa/mpinVerify when a registration starts. `npm run admin -- list` shows them, and the start-up check for
 * lost secret files counts them: a registered device means identities whose tokens hold the current secrets.
 */
import type { Storage } from '../storage/types.ts';

/** Whether any identity is registered here: a live device record. */
export function hasRegisteredDevices(storage: Storage): boolean {
  return storage.list('device', 1).length > 0;
}
