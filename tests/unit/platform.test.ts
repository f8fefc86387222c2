// The browser glue of the background: runtime registration of the PIN pad content script for exactly the added
// origins, the PIN pad detector on the active tab, and the hand-over of an authOTT to a tab's top frame.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { hostPattern, originOfUrl } from '@/lib/app/origin';
import { deviceNameSuggestion } from '@/lib/rps/device-name';
import { completeSignIn, detectPinpad, hasHostPermission, syncContentScripts, tabOrigin } from '@/lib/app/platform';

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

function fakeScripting(existing: unknown[]) {
  const s = fakeBrowser.scripting as unknown as Record<string, unknown>;
  const api = {
    getRegisteredContentScripts: vi.fn(async () => existing),
    registerContentScripts: vi.fn(async () => {}),
    updateContentScripts: vi.fn(async () => {}),
    unregisterContentScripts: vi.fn(async () => {}),
  };
  Object.assign(s, api);
  return api;
}

describe('content script registration', () => {
  const script = (matches: string[]) => [
    { id: 'mpin-pinpad', js: ['content-scripts/pinpad.js'], matches, runAt: 'document_idle', allFrames: false },
  ];

  it('registers it for exactly the service origins when it is missing', async () => {
    const api = fakeScripting([]);
    await syncContentScripts(['https://b.test', 'http://127.0.0.1:8080', 'https://b.test', 'http://127.0.0.1:9090']);
    // no ports: Firefox refuses them in match patterns; the background checks the exact origin
    expect(api.registerContentScripts).toHaveBeenCalledWith(script(['http://127.0.0.1/*', 'https://b.test/*']));
    expect(api.updateContentScripts).not.toHaveBeenCalled();
  });

  it('never for a plain-http service off this computer (one stored by an older version)', async () => {
    const api = fakeScripting([]);
    await syncContentScripts(['https://b.test', 'http://a.test:8080']);
    expect(api.registerContentScripts).toHaveBeenCalledWith(script(['https://b.test/*']));
  });

  it('updates it when it is there, and unregisters it when no service is left', async () => {
    const api = fakeScripting([{ id: 'mpin-pinpad' }]);
    await syncContentScripts(['https://b.test']);
    expect(api.updateContentScripts).toHaveBeenCalledWith(script(['https://b.test/*']));
    await syncContentScripts([]);
    expect(api.unregisterContentScripts).toHaveBeenCalledWith({ ids: ['mpin-pinpad'] });
    expect(api.registerContentScripts).not.toHaveBeenCalled();
  });

  it('never throws when the API fails', async () => {
    await expect(syncContentScripts(['https://b.test'])).resolves.toBeUndefined(); // fakeBrowser: not implemented
  });
});

describe('PIN pad detection on the active tab', () => {
  it('returns the origin the page reports when it has a PIN pad', async () => {
    vi.spyOn(fakeBrowser.tabs, 'query').mockImplementation(async () => [{ id: 9 }]);
    const executeScript = vi.fn(async () => [{ frameId: 0, result: { origin: 'https://rp.test', found: true } }]);
    Object.assign(fakeBrowser.scripting, { executeScript });
    expect(await detectPinpad()).toBe('https://rp.test');
    // the content script's own detector, built as entrypoints/pinpad-probe.ts: no second selector
    expect(executeScript).toHaveBeenCalledWith({ target: { tabId: 9, frameIds: [0] }, files: ['/pinpad-probe.js'] });
  });

  it.each([
    ['no PIN pad', { origin: 'https://rp.test', found: false }],
    ['a plain-http page off this computer', { origin: 'http://rp.test', found: true }],
    ['a non-web origin', { origin: 'chrome://settings', found: true }],
    ['garbage', { origin: 42 }],
  ])('returns nothing for %s', async (_what, result) => {
    vi.spyOn(fakeBrowser.tabs, 'query').mockImplementation(async () => [{ id: 9 }]);
    Object.assign(fakeBrowser.scripting, { executeScript: vi.fn(async () => [{ frameId: 0, result }]) });
    expect(await detectPinpad()).toBeUndefined();
  });

  it('returns nothing when scripting is refused (no activeTab grant)', async () => {
    vi.spyOn(fakeBrowser.tabs, 'query').mockImplementation(async () => [{ id: 9 }]);
    expect(await detectPinpad()).toBeUndefined();
  });
});

describe('hand-over to the content script', () => {
  const message = {
    type: 'completeSignIn' as const,
    authOTT: '0123456789abcdef0123456789abcdef',
    authenticateURL: 'https://rp.test/mpinAuthenticate',
    origin: 'https://rp.test',
    nonce: 'fedcba9876543210fedcba9876543210',
  };

  it('sends to the document that asked when the browser names it, else to the top frame; reads the status', async () => {
    const sendMessage = vi.fn(async () => ({ ok: false, status: 401, reason: 'http' }));
    Object.assign(fakeBrowser.tabs, { sendMessage });
    expect(await completeSignIn(5, message, 'doc-5')).toBe(401);
    expect(sendMessage).toHaveBeenLastCalledWith(5, message, { documentId: 'doc-5' });
    expect(await completeSignIn(5, message)).toBe(401);
    expect(sendMessage).toHaveBeenLastCalledWith(5, message, { frameId: 0 });
  });

  it.each([
    [{ ok: true, status: 200 }, 200],
    [{ ok: true }, 200],
    [{ ok: false, reason: 'refused-url' }, undefined],
    [{ ok: false, reason: 'page-changed' }, 'page-changed'],
    ['yes', undefined],
    [undefined, undefined],
  ])('reply %j → %s', async (reply, status) => {
    Object.assign(fakeBrowser.tabs, { sendMessage: vi.fn(async () => reply) });
    expect(await completeSignIn(5, message, 'doc-5')).toBe(status);
  });

  it('no receiver (that document is gone) is a changed page', async () => {
    const gone = vi.fn(async () => Promise.reject(new Error('Could not establish connection.')));
    Object.assign(fakeBrowser.tabs, { sendMessage: gone });
    expect(await completeSignIn(5, message, 'doc-5')).toBe('page-changed');
  });
});

describe('what a tab shows', () => {
  it.each([
    ['its URL', { id: 5, url: 'https://rp.test/login?x=1' }, 'https://rp.test'],
    [
      'where it is going (Chrome, mid-navigation)',
      { id: 5, url: 'https://rp.test/', pendingUrl: 'https://y.test/' },
      'https://y.test',
    ],
    ['nothing it may not see (no host access)', { id: 5 }, undefined],
    ['no web origin', { id: 5, url: 'about:blank' }, undefined],
  ])('is the origin of %s', async (_what, tab, origin) => {
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation((async () => tab) as never);
    expect(await tabOrigin(5)).toBe(origin);
  });

  it('is nothing for a closed tab', async () => {
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation((async () => Promise.reject(new Error('No tab'))) as never);
    expect(await tabOrigin(5)).toBeUndefined();
  });
});

describe('small helpers', () => {
  it('asks the browser for host access to "<scheme>://<host>/*", and says no when it cannot', async () => {
    const contains = vi.fn(async () => true);
    Object.assign(fakeBrowser.permissions, { contains });
    expect(await hasHostPermission('http://rp.test:8080')).toBe(true);
    expect(contains).toHaveBeenCalledWith({ origins: ['http://rp.test/*'] });
    Object.assign(fakeBrowser.permissions, { contains: vi.fn(async () => Promise.reject(new Error('x'))) });
    expect(await hasHostPermission('http://rp.test:8080')).toBe(false);
  });

  it('suggests a device name as Milagro does', () => {
    expect(
      deviceNameSuggestion(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
      ),
    ).toBe('linChrome');
    expect(
      deviceNameSuggestion('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0'),
    ).toBe('winFirefox');
  });
});

describe('origins', () => {
  it.each([
    ['http://127.0.0.1:8080/setup-phone?x=1#y', 'http://127.0.0.1:8080'],
    ['https://rp.test/', 'https://rp.test'],
    ['rp.test/m', 'https://rp.test'],
    ['  HTTPS://RP.test:443/  ', 'https://rp.test'],
    // plain http only on this computer (development): loopback names and addresses
    ['http://localhost:8080/', 'http://localhost:8080'],
    ['http://app.localhost/', 'http://app.localhost'],
    ['http://127.31.2.9/', 'http://127.31.2.9'],
    ['http://[::1]:8080/', 'http://[::1]:8080'],
    ['http://rp.test/', undefined],
    ['http://rp.test:8080/setup-phone', undefined],
    ['http://localhost.evil.test/', undefined],
    ['http://128.0.0.1/', undefined],
    ['http://0.0.0.0:8080/', undefined],
    ['http://[::ffff:127.0.0.1]/', undefined],
    ['http://10.0.0.5/', undefined],
    ['ftp://rp.test', undefined],
    ['javascript:alert(1)', undefined],
    ['http://user:pw@rp.test/', undefined],
    ['', undefined],
  ])('originOfUrl(%j) = %s', (input, origin) => {
    expect(originOfUrl(input)).toBe(origin);
  });

  it('hostPattern drops the port (Firefox refuses ports in match patterns)', () => {
    expect(hostPattern('http://127.0.0.1:8080')).toBe('http://127.0.0.1/*');
    expect(hostPattern('https://rp.test')).toBe('https://rp.test/*');
    expect(hostPattern('http://[::1]:8080')).toBe('http://[::1]/*');
    // the popup asks for the pattern of the origin the background reads from what the user typed
    expect(hostPattern(originOfUrl(' https://Rp.Example:443/x?y ')!)).toBe('https://rp.example/*');
  });
});
