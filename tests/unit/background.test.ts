// Unit tests for the background entrypoint: the real background.main() with WXT's fake browser.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '@/entrypoints/background';

const EXT = `chrome-extension://${fakeBrowser.runtime.id}`;
const popupSender = { id: fakeBrowser.runtime.id, origin: EXT, url: `${EXT}/popup.html` };

/** Deliver one message to the background's listener(s) and return the first listener's reply. */
async function send(message: unknown, sender: object = popupSender): Promise<unknown> {
  const [reply] = await fakeBrowser.runtime.onMessage.trigger(message, sender, () => {});
  return reply;
}

describe('background', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    // fakeBrowser does not implement getManifest.
    vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({
      manifest_version: 3,
      name: 'M-Pin Authenticator',
      version: '9.8.7',
    });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    background.main();
  });
  afterEach(() => vi.restoreAllMocks());

  it('registers exactly one runtime.onMessage listener', async () => {
    // trigger() returns one result per registered listener.
    expect(await fakeBrowser.runtime.onMessage.trigger({ type: 'status' }, popupSender, () => {})).toHaveLength(1);
  });

  it('answers a status message from the popup with its version and identity count', async () => {
    expect(await send({ type: 'status' })).toEqual({ ok: true, version: '9.8.7', identities: 0 });
  });

  it('gives a content script in the top frame no status: it is for extension pages only', async () => {
    const sender = {
      id: fakeBrowser.runtime.id,
      tab: { id: 1 },
      frameId: 0,
      url: 'http://127.0.0.1/',
      origin: 'http://127.0.0.1',
    };
    expect(await send({ type: 'status' }, sender)).toBeUndefined();
    expect(console.warn).toHaveBeenCalledWith('[mpin] message dropped: not-allowed-from-content-script');
  });

  it.each([
    ['an unknown type', { type: 'register' }],
    ['an extra key', { type: 'status', extra: 1 }],
    ['no type', {}],
    ['a string', 'status'],
    ['null', null],
  ])('drops %s without a reply', async (_what, message) => {
    expect(await send(message)).toBeUndefined();
    expect(console.warn).toHaveBeenCalledWith('[mpin] message dropped: invalid-message');
  });

  it.each([
    ['another extension', { id: 'other-extension-id', origin: 'chrome-extension://other-extension-id' }],
    ['a subframe content script', { id: fakeBrowser.runtime.id, tab: { id: 1 }, frameId: 3, url: 'http://127.0.0.1/' }],
    [
      'a web origin without a tab',
      { id: fakeBrowser.runtime.id, origin: 'http://127.0.0.1', url: 'http://127.0.0.1/' },
    ],
  ])('drops a valid message from %s', async (_what, sender) => {
    expect(await send({ type: 'status' }, sender)).toBeUndefined();
    expect(console.warn).toHaveBeenCalledWith('[mpin] message dropped: sender-rejected');
  });
});

describe('the expiry alarm', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'x', version: '1' });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => vi.restoreAllMocks());

  it('wipes expired secrets from storage.session when it fires, without anyone reading them', async () => {
    background.main();
    const old = Date.now() - 11 * 60_000;
    await fakeBrowser.storage.session.set({
      signOut: { identityId: 'i', origin: 'https://rp.test', logoutURL: '/logout', logoutData: {}, savedAt: old },
      'clientSecret:i': { hex: '04ab', savedAt: old },
    });
    await fakeBrowser.alarms.onAlarm.trigger({
      name: 'mpin-expiry',
      scheduledTime: Date.now(),
      persistAcrossSessions: false,
    });
    await vi.waitFor(async () => expect(await fakeBrowser.storage.session.get(null)).toEqual({}));
  });
});
