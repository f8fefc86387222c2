// The PIN pad probe (entrypoints/pinpad-probe.ts) that the popup's "Add a service" runs on the active tab: it
// answers with the content script's detector, so both agree on what a PIN pad is (an empty #pinHolder is not one).
import { afterEach, describe, expect, it } from 'vitest';
import probe from '@/entrypoints/pinpad-probe';
import { detectPinpad } from '@/lib/pinpad/detect';
import { DEMO_PHONE_LOGIN, DEMO_PINPAD, MILAGRO_EMPTY_HOLDER, MILAGRO_LOGIN, NOT_PINPADS } from './pinpad-fixtures';

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the PIN pad probe', () => {
  it.each<[string, string, boolean]>([
    ['the demo PIN pad', DEMO_PINPAD, true],
    ['"Sign in with Phone"', DEMO_PHONE_LOGIN, true],
    ["Milagro's rendered login pad", MILAGRO_LOGIN, true],
    ['an empty #pinHolder (mpin.js has not rendered yet)', MILAGRO_EMPTY_HOLDER, false],
    ...Object.entries(NOT_PINPADS).map(([what, html]): [string, string, boolean] => [what, html, false]),
  ])('on %s: found is %s, as the content script decides', (_what, html, found) => {
    document.body.innerHTML = html;
    expect(probe.main()).toEqual({ origin: location.origin, found });
    expect(detectPinpad(document) !== null).toBe(found);
  });
});
