/**
 * Device keys (issue 11): a client may send a random `deviceKey` when it registers, and later prove with it that a
 * "user" claim on an access number comes from that identity's device (access-numbers.ts). The RPS keeps only the
 * key's SHA-256, per mpin_id: pending while the registration is (it expires with it), kept for good once the client
 * has fetched its client-secret share, that is once the identity exists. Whoever reads the database learns no key,
 * and a key proves a device, never a PIN.
 */
import { createHash } from 'node:crypto';
import type { Storage } from '../storage/types.ts';
import { safeEqual } from '../util/hmac.ts';

const sha256 = (deviceKey: string) => createHash('sha256').update(deviceKey, 'utf8').digest('hex');

export function createDeviceKeys(storage: Storage) {
  return {
    /** PUT /rps/user (and its resend): the key of the registration `mpinId`, pending as long as that registration. */
    async remember(mpinId: string, deviceKey: string): Promise<void> {
      const key = mpinId.toLowerCase();
      const expires = await storage.expiresAt('registration', key);
      if (expires === undefined) return; // the registration is already gone: there is nothing to prove
      await storage.put('devicekey', key, { hash: sha256(deviceKey), registered: false }, expires);
    },

    /** GET /rps/signature: the identity now exists; its key, if it sent one, is kept for good. */
    async keep(mpinId: string): Promise<void> {
      const key = mpinId.toLowerCase();
      const pending = await storage.get('devicekey', key);
      if (pending) await storage.put('devicekey', key, { ...pending, registered: true }, null);
    },

    /** Whether `deviceKey` is the one registered with the identity `mpinId` (compared in constant time). */
    async proves(mpinId: string, deviceKey: string): Promise<boolean> {
      const kept = await storage.get('devicekey', mpinId.toLowerCase());
      return kept?.registered === true && safeEqual(kept.hash, sha256(deviceKey));
    },
  };
}

export type DeviceKeys = ReturnType<typeof createDeviceKeys>;
