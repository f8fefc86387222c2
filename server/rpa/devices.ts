/**
 * The relying party's device records (kind 'device', per mpin_id: user id, device name, PC or mobile). A record
 * is written when a registration starts and expires with it, because anyone may start one; it becomes permanent
 * once the identity is real: its activation link confirmed, or at once when activation is not required. What
 * stays is therefore one row per activated identity, which `npm run admin -- list` shows and the start-up check
 * for lost secret files counts.
 */
import type { RecordKinds, Storage } from '../storage/types.ts';

/** Makes the device record of `mpinId` permanent (writing `device` when given); false when there is none. */
export async function keepDevice(storage: Storage, mpinId: string, device?: RecordKinds['device']): Promise<boolean> {
  const key = mpinId.toLowerCase();
  const value = device ?? (await storage.get('device', key));
  if (!value) return false;
  await storage.put('device', key, value, null);
  return true;
}

/** Whether any identity is registered here: a live device record, pending or permanent. */
export async function hasRegisteredDevices(storage: Storage): Promise<boolean> {
  return (await storage.list('device', 1)).length > 0;
}
