// The message router (R11, R12): privileged messages only from extension pages, content-script reports only from
// a top-frame content script with the page origin taken from the sender, everything else dropped without a reply
// and without reaching the use cases.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';
import type { App } from '@/lib/app/app';
import { handleMessage } from '@/lib/background-handler';

const EXT = `chrome-extension://${fakeBrowser.runtime.id}`;
type Sender = Browser.runtime.MessageSender;
const popup: Sender = { id: fakeBrowser.runtime.id, origin: EXT, url: `${EXT}/popup.html` };
const content = {
  id: fakeBrowser.runtime.id,
  tab: { id: 7, url: 'http://rp.test:8080/' },
  frameId: 0,
  url: 'http://rp.test:8080/',
  origin: 'http://rp.test:8080',
} as Sender;

function fakeApp() {
  return {
    getState: vi.fn(async () => ({ screen: 'add-service' as const })),
    dispatch: vi.fn(async () => ({ screen: 'add-service' as const })),
    isService: vi.fn(async () => true),
    pinpadFound: vi.fn(async () => ({ offer: false })),
    requestLocalSignIn: vi.fn(async () => ({ queued: false })),
    syncContentScripts: vi.fn(async () => {}),
    identityCount: vi.fn(async () => 2),
    expire: vi.fn(async () => {}),
  } satisfies App;
}

const PRIVILEGED = [
  { type: 'getState' },
  { type: 'intent', intent: { kind: 'addService', url: 'http://rp.test' } },
  { type: 'intent', intent: { kind: 'register', email: 'a@b.test', deviceName: '' } },
  { type: 'intent', intent: { kind: 'confirmedEmail' } },
  { type: 'intent', intent: { kind: 'resendEmail' } },
  { type: 'intent', intent: { kind: 'setPin', pin: '1234' } },
  { type: 'intent', intent: { kind: 'startSignIn' } },
  { type: 'intent', intent: { kind: 'submitAccessNumber', accessNumber: '4241703' } },
  { type: 'intent', intent: { kind: 'login', pin: '1234' } },
  { type: 'intent', intent: { kind: 'signOut' } },
  { type: 'intent', intent: { kind: 'confirmReset' } },
  { type: 'intent', intent: { kind: 'confirmRemove' } },
  { type: 'intent', intent: { kind: 'registerAgain' } },
];

let app: ReturnType<typeof fakeApp>;
beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'x', version: '1.0.0' });
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  app = fakeApp();
});
afterEach(() => vi.restoreAllMocks());

const noSideEffect = () => {
  for (const fn of Object.values(app)) expect(fn).not.toHaveBeenCalled();
};

describe('background message router', () => {
  it.each(PRIVILEGED.map((m) => [m.type === 'intent' ? (m as { intent: { kind: string } }).intent.kind : m.type, m]))(
    'refuses %s from a content script, with no side effect',
    async (_name, message) => {
      expect(handleMessage(message, content, app)).toBeUndefined();
      expect(console.warn).toHaveBeenCalledWith('[mpin] message dropped: not-allowed-from-content-script');
      noSideEffect();
    },
  );

  it.each(PRIVILEGED.map((m) => [JSON.stringify(m), m]))('accepts %s from the popup', async (_name, message) => {
    expect(await handleMessage(message, popup, app)).toEqual({ screen: 'add-service' });
    if (message.type === 'intent') expect(app.dispatch).toHaveBeenCalledWith((message as { intent: unknown }).intent);
    else expect(app.getState).toHaveBeenCalled();
  });

  it.each([
    ['an unknown type', { type: 'register' }],
    ['an unknown intent', { type: 'intent', intent: { kind: 'exportTokens' } }],
    ['an intent with an extra key', { type: 'intent', intent: { kind: 'login', pin: '1234', token: 'ab' } }],
    ['a PIN that is not 4 digits', { type: 'intent', intent: { kind: 'login', pin: '12345' } }],
    ['a pinpadFound with an origin in the body', { type: 'pinpadFound', kind: 'demo', origin: 'http://evil.test' }],
    ['an oversized URL', { type: 'intent', intent: { kind: 'addService', url: 'x'.repeat(5000) } }],
    ['no type', {}],
    ['null', null],
    ['a string', 'getState'],
  ])('drops %s without a reply', (_what, message) => {
    expect(handleMessage(message, popup, app)).toBeUndefined();
    expect(console.warn).toHaveBeenCalledWith('[mpin] message dropped: invalid-message');
    noSideEffect();
  });

  it.each([
    [
      'another extension',
      { id: 'other', origin: 'chrome-extension://other', url: 'chrome-extension://other/popup.html' },
    ],
    ['a subframe', { ...content, frameId: 2 }],
    ['a web page without a tab', { id: fakeBrowser.runtime.id, origin: 'http://rp.test', url: 'http://rp.test/' }],
  ] as [string, Sender][])('drops privileged messages from %s', (_what, sender) => {
    expect(handleMessage({ type: 'intent', intent: { kind: 'confirmRemove' } }, sender, app)).toBeUndefined();
    expect(handleMessage({ type: 'pinpadFound', kind: 'demo' }, sender, app)).toBeUndefined();
    expect(console.warn).toHaveBeenCalledWith('[mpin] message dropped: sender-rejected');
    noSideEffect();
  });

  it('takes the content script origin, tab and document from the sender, never the body', async () => {
    expect(await handleMessage({ type: 'isService' }, content, app)).toEqual({ service: true });
    expect(app.isService).toHaveBeenCalledWith('http://rp.test:8080');
    expect(await handleMessage({ type: 'pinpadFound', kind: 'milagro' }, content, app)).toEqual({ offer: false });
    expect(app.pinpadFound).toHaveBeenCalledWith('http://rp.test:8080', 'milagro');
    expect(await handleMessage({ type: 'requestLocalSignIn' }, content, app)).toEqual({ queued: false });
    expect(app.requestLocalSignIn).toHaveBeenLastCalledWith('http://rp.test:8080', 7, undefined);
    const withDocument = { ...content, documentId: 'A1B2C3D4E5F6' } as Sender;
    await handleMessage({ type: 'requestLocalSignIn' }, withDocument, app);
    expect(app.requestLocalSignIn).toHaveBeenLastCalledWith('http://rp.test:8080', 7, 'A1B2C3D4E5F6');
  });

  it.each([
    ['an origin', { type: 'isService', origin: 'https://evil.test' }],
    ['a nonce', { type: 'requestLocalSignIn', nonce: '0123456789abcdef0123456789abcdef' }],
    ['a document id', { type: 'requestLocalSignIn', documentId: 'x' }],
  ])('drops a content-script message that names %s itself', (_what, message) => {
    expect(handleMessage(message, content, app)).toBeUndefined();
    noSideEffect();
  });

  it('refuses the content-script messages from an extension page', () => {
    expect(handleMessage({ type: 'isService' }, popup, app)).toBeUndefined();
    expect(handleMessage({ type: 'requestLocalSignIn' }, popup, app)).toBeUndefined();
    expect(handleMessage({ type: 'pinpadFound', kind: 'demo' }, popup, app)).toBeUndefined();
    expect(console.warn).toHaveBeenCalledWith('[mpin] message dropped: not-allowed-from-extension-page');
    noSideEffect();
  });

  it('answers status to extension pages only, with the identity count (a content script gets no reply)', async () => {
    expect(await handleMessage({ type: 'status' }, popup, app)).toEqual({ ok: true, version: '1.0.0', identities: 2 });
    expect(handleMessage({ type: 'status' }, content, app)).toBeUndefined();
    expect(console.warn).toHaveBeenCalledWith('[mpin] message dropped: not-allowed-from-content-script');
    expect(app.identityCount).toHaveBeenCalledTimes(1);
  });
});

describe('through the real background entrypoint and store', () => {
  it('a privileged intent from a content script changes nothing; the same from the popup does', async () => {
    const { default: background } = await import('@/entrypoints/background');
    const { openStore } = await import('@/lib/store/db');
    background.main();
    const send = async (message: unknown, sender: Sender) =>
      (await fakeBrowser.runtime.onMessage.trigger(message, sender, () => {}))[0];
    const intent = { type: 'intent', intent: { kind: 'addService', url: 'ftp://nowhere' } };
    expect(await send(intent, content)).toBeUndefined();
    const store = await openStore();
    expect(await store.getFlow()).toBeUndefined();
    expect(await send(intent, popup)).toMatchObject({ screen: 'add-service', problem: { code: 'invalid-url' } });
    expect(await store.getFlow()).toMatchObject({ screen: 'add-service', problem: { code: 'invalid-url' } });
    expect(await send({ type: 'getState' }, content)).toBeUndefined();
    store.close();
  });
});

describe('an extension page opened in a tab', () => {
  it('is an extension page (privileged), not a content script', async () => {
    const inTab = {
      id: fakeBrowser.runtime.id,
      tab: { id: 4, url: `${EXT}/popup.html` },
      frameId: 0,
      url: `${EXT}/popup.html`,
      origin: EXT,
    } as Sender;
    const app = fakeApp();
    expect(await handleMessage({ type: 'getState' }, inTab, app)).toEqual({ screen: 'add-service' });
    expect(handleMessage({ type: 'requestLocalSignIn' }, inTab, app)).toBeUndefined();
    expect(handleMessage({ type: 'getState' }, { ...inTab, frameId: 1 }, app)).toBeUndefined();
  });
});
