// The PIN pad content script (lib/pinpad/content.ts, entrypoints/pinpad.content.ts) with WXT's fake browser in
// happy-dom: when it reports a pad and shows the offer, the offer's isolation (closed shadow root, no page HTML),
// the late-rendered pad (MutationObserver), and the completeSignIn message: shape, sender, same-origin rule.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ContentScriptContext } from 'wxt/utils/content-script-context';
import pinpadEntrypoint from '@/entrypoints/pinpad.content';
import { runPinpadScript, type PinpadScript } from '@/lib/pinpad/content';

/** The offer's status once the PIN screen waits in the extension (locales/en.yml offer.waitingForPin). */
const WAITING_FOR_PIN = 'Enter your PIN in the M-Pin Authenticator window';
import * as fx from './pinpad-fixtures';

const OTT = 'fedcba9876543210fedcba9876543210';
const NONCE = '0123456789abcdef0123456789abcdef';
const BACKGROUND = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/background.js` };

let ctx: ContentScriptContext;
let replies: { isService: unknown; pinpadFound: unknown; requestLocalSignIn: unknown };
/** What the script sent the background, but for its first question (isService), which `checks` counts. */
let sent: unknown[];
let checks: number;
let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;
let navigate: ReturnType<typeof vi.fn<(url: string) => void>>;
let reload: ReturnType<typeof vi.fn<() => void>>;

/** Put fixture markup on the page (test-only markup; the script under test never writes HTML). */
function setPage(html: string) {
  document.body.innerHTML = html;
}

function start(): PinpadScript {
  return runPinpadScript(ctx, { debounceMs: 5, fetch: fetchMock, navigate, reload });
}

async function offerShown(script: PinpadScript) {
  await vi.waitFor(() => expect(script.offer).not.toBeNull());
  return script.offer!;
}

async function deliver(message: unknown, sender: object = BACKGROUND): Promise<unknown> {
  const [reply] = await fakeBrowser.runtime.onMessage.trigger(message, sender, () => {});
  return reply;
}

beforeEach(() => {
  fakeBrowser.reset();
  document.body.replaceChildren();
  sent = [];
  checks = 0;
  replies = {
    isService: { service: true },
    pinpadFound: { offer: true, userId: 'alice@example.com' },
    requestLocalSignIn: { queued: true, nonce: NONCE },
  };
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async (message: { type: keyof typeof replies }) => {
    if (message.type === 'isService') checks++;
    else sent.push(message);
    return replies[message.type];
  }) as never);
  fetchMock = vi.fn<typeof fetch>(async () => new Response('{}', { status: 200 }));
  navigate = vi.fn<(url: string) => void>();
  reload = vi.fn<() => void>();
  vi.spyOn(console, 'debug').mockImplementation(() => {}); // WXT logs "context invalidated"
  ctx = new ContentScriptContext('pinpad', { noScriptStartedPostMessage: true });
});

afterEach(() => {
  ctx.notifyInvalidated();
  vi.restoreAllMocks();
});

describe('only on the exact origin of an added service', () => {
  it('asks the background first, and on any other origin (another port of the host) does nothing at all', async () => {
    replies.isService = { service: false };
    setPage(fx.DEMO_PINPAD);
    const script = start();
    await script.scan();
    document.body.append(document.createElement('div'));
    await new Promise((r) => setTimeout(r, 30));
    expect(checks).toBe(1);
    expect(sent).toEqual([]); // no pinpadFound, no request
    expect(script.offer).toBeNull();
    // not even listening: a completeSignIn from the extension itself finds no receiver here
    const message = {
      type: 'completeSignIn',
      authOTT: OTT,
      authenticateURL: `${location.origin}/mpinAuthenticate`,
      origin: location.origin,
      nonce: NONCE,
    };
    expect(await fakeBrowser.runtime.onMessage.trigger(message, BACKGROUND, () => {})).toEqual([]);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it.each([
    ['no answer', undefined],
    ['a malformed answer', { service: 'yes' }],
  ])('does nothing on %s to its first question', async (_what, reply) => {
    replies.isService = reply;
    setPage(fx.DEMO_PINPAD);
    const script = start();
    await script.scan();
    expect(sent).toEqual([]);
    expect(script.offer).toBeNull();
  });
});

describe('reporting a PIN pad and offering sign-in', () => {
  it('stays silent on a page without a pad', async () => {
    setPage(fx.NOT_PINPADS['a login form']!);
    const script = start();
    await script.scan();
    expect(sent).toEqual([]);
    expect(script.offer).toBeNull();
    expect(document.body.children).toHaveLength(1);
  });

  it('reports the demo pad once and shows the offer in a closed shadow root', async () => {
    setPage(fx.DEMO_PINPAD);
    const script = start();
    const offer = await offerShown(script);
    expect(sent).toEqual([{ type: 'pinpadFound', kind: 'demo' }]);

    const host = script.host!;
    expect(host.isConnected).toBe(true);
    expect(host.shadowRoot).toBeNull(); // closed: page scripts cannot reach in
    expect(offer.root.getRootNode()).toBeInstanceOf(ShadowRoot);
    expect(document.body.textContent).not.toContain('Sign in with M-Pin Authenticator'); // not in the light DOM
    expect(offer.root.textContent).toContain('Sign in with M-Pin Authenticator');
    expect(offer.root.textContent).toContain('alice@example.com');

    // DOM changes do not report the same pad again.
    document.body.append(document.createElement('p'));
    await script.scan();
    expect(sent).toHaveLength(1);
  });

  it('shows nothing when the background does not offer', async () => {
    replies.pinpadFound = { offer: false };
    setPage(fx.DEMO_PINPAD);
    const script = start();
    await script.scan();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(script.offer).toBeNull();
  });

  it.each([
    ['a string', 'yes'],
    ['a wrong type', { offer: 'yes' }],
    ['no answer', undefined],
    ['a long user id', { offer: true, userId: 'x'.repeat(300) }],
  ])('shows nothing for a reply that does not parse: %s', async (_what, reply) => {
    replies.pinpadFound = reply;
    setPage(fx.DEMO_PINPAD);
    const script = start();
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    await script.scan();
    expect(script.offer).toBeNull();
  });

  it('finds a Milagro pad that mpin.js renders after load (MutationObserver)', async () => {
    setPage(fx.MILAGRO_EMPTY_HOLDER);
    const script = start();
    await script.scan();
    expect(sent).toEqual([]);

    // What mpin.js does once its client settings have loaded: class the target, fill it.
    const holder = document.getElementById('pinHolder')!;
    holder.classList.add('mpinMaster');
    const root = document.createElement('div');
    root.id = 'mpinMiracle';
    const pad = document.createElement('div');
    pad.id = 'mpin_pinpad';
    root.append(pad);
    holder.append(root);

    await offerShown(script);
    expect(sent).toEqual([{ type: 'pinpadFound', kind: 'milagro' }]);
  });

  it('removes the offer when a single-page app takes the pad away', async () => {
    setPage(fx.DEMO_PINPAD);
    const script = start();
    const host = (await offerShown(script), script.host!);
    document.getElementById('mpin-pinpad')!.remove();
    await vi.waitFor(() => expect(host.isConnected).toBe(false));
    expect(script.offer).toBeNull();
  });

  it('dismiss removes the offer and it does not come back on DOM changes', async () => {
    setPage(fx.DEMO_PINPAD);
    const script = start();
    const offer = await offerShown(script);
    const host = script.host!;
    offer.root.querySelector<HTMLButtonElement>('.mpin-offer__dismiss')!.click();
    expect(host.isConnected).toBe(false);
    document.body.append(document.createElement('div'));
    await new Promise((r) => setTimeout(r, 30));
    await script.scan();
    expect(script.offer).toBeNull();
    expect(sent).toHaveLength(1);
  });

  it('offers again after a single-page app navigation (wxt:locationchange), even if dismissed', async () => {
    setPage(fx.DEMO_PINPAD);
    const script = start();
    (await offerShown(script)).root.querySelector<HTMLButtonElement>('.mpin-offer__dismiss')!.click();
    expect(script.offer).toBeNull();
    history.pushState({}, '', '/spa-route');
    await vi.waitFor(() => expect(script.offer).not.toBeNull(), { timeout: 3000 });
    expect(sent).toEqual([
      { type: 'pinpadFound', kind: 'demo' },
      { type: 'pinpadFound', kind: 'demo' },
    ]);
    history.pushState({}, '', '/');
  });

  it('"Sign in" asks the background and tells the user to enter the PIN in the extension', async () => {
    setPage(fx.DEMO_PINPAD);
    const script = start();
    const offer = await offerShown(script);
    offer.root.querySelector<HTMLButtonElement>('.mpin-offer__sign-in')!.click();
    await vi.waitFor(() => expect(offer.root.textContent).toContain(WAITING_FOR_PIN));
    expect(sent).toContainEqual({ type: 'requestLocalSignIn' });
    expect(offer.root.querySelector('input')).toBeNull(); // no PIN field in the page, ever
  });

  it('says to finish or cancel what is open in the extension when it is busy, and lets the user ask again', async () => {
    replies.requestLocalSignIn = { queued: false, reason: 'busy' };
    setPage(fx.DEMO_PINPAD);
    const script = start();
    const offer = await offerShown(script);
    const button = offer.root.querySelector<HTMLButtonElement>('.mpin-offer__sign-in')!;
    button.click();
    await vi.waitFor(() => expect(offer.root.textContent).toMatch(/finish or cancel/i));
    expect(button.disabled).toBe(false);
  });

  it('says so when the background does not queue the sign-in', async () => {
    replies.requestLocalSignIn = { queued: false };
    setPage(fx.DEMO_PINPAD);
    const script = start();
    const offer = await offerShown(script);
    offer.root.querySelector<HTMLButtonElement>('.mpin-offer__sign-in')!.click();
    await vi.waitFor(() => expect(offer.root.querySelector('[role=status]')?.getAttribute('data-kind')).toBe('error'));
  });
});

describe('no page-provided HTML in the offer (R17)', () => {
  it('renders a user id full of markup as text', async () => {
    replies.pinpadFound = { offer: true, userId: '<img src=x onerror="alert(1)"><script>alert(2)</script>' };
    setPage(fx.DEMO_PINPAD);
    const script = start();
    const offer = await offerShown(script);
    expect(offer.root.querySelector('img, script')).toBeNull();
    expect(offer.root.textContent).toContain('<img src=x onerror="alert(1)">');
  });

  it('nothing the page planted in the pad reaches the offer', async () => {
    setPage(`<section data-mpin-pinpad data-mpin-authenticate-url='"><img src=x onerror=alert(1)>'
      data-mpin-success-url="<script>alert(1)</script>" data-mpin-client-settings="<b>x</b>"><b id="bold">Bold</b></section>`);
    const script = start();
    const offer = await offerShown(script);
    const texts = Array.from(offer.root.querySelectorAll('*'), (el) => el.tagName.toLowerCase());
    expect(new Set(texts)).toEqual(new Set(['div', 'button', 'span', 'p']));
    expect(offer.root.textContent).not.toMatch(/img|script|Bold/);
  });
});

describe('completeSignIn from the background', () => {
  // The background sends the service's authenticateURL absolute, the origin that asked and the nonce it answered
  // the request with (lib/messages.ts CompleteSignInMessage).
  const good = {
    type: 'completeSignIn',
    authOTT: OTT,
    authenticateURL: `${location.origin}/mpinAuthenticate`,
    origin: location.origin,
    nonce: NONCE,
  };

  /** The page's offer clicked: the background queued the sign-in and answered with NONCE. */
  async function askedForSignIn(script: PinpadScript) {
    const offer = await offerShown(script);
    offer.root.querySelector<HTMLButtonElement>('.mpin-offer__sign-in')!.click();
    await vi.waitFor(() => expect(offer.root.textContent).toContain(WAITING_FOR_PIN));
    return offer;
  }

  it('posts the authOTT to the service’s authenticate URL and goes to the success URL', async () => {
    setPage(fx.DEMO_PINPAD);
    await askedForSignIn(start());
    await expect(deliver(good)).resolves.toEqual({ ok: true, status: 200 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`${location.origin}/mpinAuthenticate`);
    expect(JSON.parse(init.body as string)).toEqual({ mpinResponse: { authOTT: OTT, version: '0.3', pass: 2 } });
    expect(navigate).toHaveBeenCalledWith(`${location.origin}/protected`);
  });

  it('the nonce works once: after a sign-in the same message is refused', async () => {
    setPage(fx.DEMO_PINPAD);
    await askedForSignIn(start());
    await expect(deliver(good)).resolves.toEqual({ ok: true, status: 200 });
    await expect(deliver(good)).resolves.toEqual({ ok: false, reason: 'page-changed' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a page that never asked (the tab moved on: this is another content script)', null, good],
    ['another nonce', NONCE, { ...good, nonce: 'ffffffffffffffffffffffffffffffff' }],
    ['another origin (the one the user was shown)', NONCE, { ...good, origin: 'https://x.example' }],
  ])('refuses %s: nothing is sent, and the background hears page-changed', async (_what, nonce, message) => {
    setPage(fx.DEMO_PINPAD);
    const script = start();
    if (nonce) await askedForSignIn(script);
    else await script.scan();
    await expect(deliver(message)).resolves.toEqual({ ok: false, reason: 'page-changed' });
    expect(fetchMock).not.toHaveBeenCalled();
    expect(navigate).not.toHaveBeenCalled();
  });

  it("ignores the page's own authenticate URL: the authOTT goes only to the service's", async () => {
    setPage(`<section data-mpin-pinpad data-mpin-authenticate-url="/elsewhere"
      data-mpin-success-url="/protected"></section>`);
    await askedForSignIn(start());
    await expect(deliver(good)).resolves.toEqual({ ok: true, status: 200 });
    expect(fetchMock.mock.calls.map(([url]) => String(url))).toEqual([`${location.origin}/mpinAuthenticate`]);
  });

  it("on a Milagro page uses the background's authenticateURL and reloads", async () => {
    setPage(fx.MILAGRO_LOGIN);
    await askedForSignIn(start());
    await expect(deliver({ ...good, authenticateURL: `${location.origin}/rp/mpinAuthenticate` })).resolves.toEqual({
      ok: true,
      status: 200,
    });
    expect(fetchMock.mock.calls[0]![0]).toBe(`${location.origin}/rp/mpinAuthenticate`);
    expect(reload).toHaveBeenCalledOnce();
  });

  it.each([
    ['a short authOTT', { ...good, authOTT: 'abc' }],
    ['a non-hex authOTT', { ...good, authOTT: 'z'.repeat(32) }],
    ['no authOTT', { ...good, authOTT: undefined }],
    ['a relative authenticateURL', { ...good, authenticateURL: '/mpinAuthenticate' }],
    ['no authenticateURL', { ...good, authenticateURL: undefined }],
    ['no origin', { ...good, origin: undefined }],
    ['no nonce', { ...good, nonce: undefined }],
    ['a short nonce', { ...good, nonce: 'abc' }],
    ['an extra key', { ...good, successURL: 'https://evil.test/' }],
    ['another type', { ...good, type: 'completeSignin' }],
    ['a string', 'completeSignIn'],
    ['null', null],
  ])('ignores a wrong-shaped message: %s', async (_what, message) => {
    setPage(fx.DEMO_PINPAD);
    await askedForSignIn(start());
    await expect(deliver(message)).resolves.toBeUndefined();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(navigate).not.toHaveBeenCalled();
  });

  it.each([
    ['another extension', { id: 'other-extension', url: 'chrome-extension://other-extension/bg.js' }],
    ['a tab (content script)', { id: fakeBrowser.runtime.id, tab: { id: 3 }, frameId: 0, url: 'https://evil.test/' }],
    ['no id', {}],
  ])('ignores a well-formed message from %s', async (_what, sender) => {
    setPage(fx.DEMO_PINPAD);
    await askedForSignIn(start());
    await expect(deliver(good, sender)).resolves.toBeUndefined();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("refuses a cross-origin authenticateURL from the background's message", async () => {
    setPage(fx.MILAGRO_LOGIN);
    await askedForSignIn(start());
    await expect(deliver({ ...good, authenticateURL: 'https://evil.test/mpinAuthenticate' })).resolves.toMatchObject({
      ok: false,
      reason: 'refused-url',
    });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('reports a wrong PIN (401) in the offer and to the background, and takes the retry', async () => {
    fetchMock.mockResolvedValueOnce(new Response('{"message":"x"}', { status: 401 }));
    setPage(fx.DEMO_PINPAD);
    const script = start();
    await askedForSignIn(script);
    await expect(deliver(good)).resolves.toEqual({ ok: false, reason: 'http', status: 401 });
    expect(script.offer!.root.textContent).toContain('Incorrect PIN!');
    expect(navigate).not.toHaveBeenCalled();
    await expect(deliver(good)).resolves.toEqual({ ok: true, status: 200 }); // the same request, the next PIN
  });

  it('does nothing when the pad has gone from the page', async () => {
    setPage(fx.DEMO_PINPAD);
    await askedForSignIn(start());
    setPage(fx.NOT_PINPADS['a plain page']!);
    await expect(deliver(good)).resolves.toEqual({ ok: false, reason: 'no-pinpad' });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('stops listening when the content script context is invalidated', async () => {
    setPage(fx.DEMO_PINPAD);
    const script = start();
    await offerShown(script);
    const host = script.host!;
    ctx.notifyInvalidated();
    expect(host.isConnected).toBe(false);
    expect(await fakeBrowser.runtime.onMessage.trigger(good, BACKGROUND, () => {})).toEqual([]);
  });
});

describe('the entrypoint', () => {
  it('is registered at runtime, with no manifest matches, at document_idle, in the isolated world', () => {
    expect(pinpadEntrypoint).toMatchObject({
      registration: 'runtime',
      matches: [],
      runAt: 'document_idle',
      noScriptStartedPostMessage: true,
    });
    expect((pinpadEntrypoint as { world?: string }).world).toBeUndefined();
  });

  it('runs in the top frame', async () => {
    setPage(fx.DEMO_PINPAD);
    await pinpadEntrypoint.main(ctx);
    await vi.waitFor(() => expect(sent).toEqual([{ type: 'pinpadFound', kind: 'demo' }]));
    expect(checks).toBe(1);
  });

  it('does nothing in a subframe', async () => {
    vi.spyOn(window, 'top', 'get').mockReturnValue({} as Window);
    setPage(fx.DEMO_PINPAD);
    await pinpadEntrypoint.main(ctx);
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual([]);
    expect(checks).toBe(0);
  });
});

describe('source rules for the content script (R13, R17, R18)', () => {
  const root = resolve(__dirname, '../..');
  const files = [
    'entrypoints/pinpad.content.ts',
    ...readdirSync(join(root, 'lib/pinpad')).map((name) => `lib/pinpad/${name}`),
  ];
  const code = (file: string) => readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');

  it.each(files)(
    '%s: no innerHTML/outerHTML/insertAdjacentHTML, postMessage, navigator.credentials, eval, main world',
    (file) => {
      const src = code(file);
      expect(src).not.toMatch(/\b(?:innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b/);
      expect(src).not.toMatch(/postMessage\s*\(/);
      expect(src).not.toMatch(/navigator\s*\.\s*credentials/);
      expect(src).not.toMatch(/\beval\s*\(|new Function\s*\(/);
      expect(src).not.toMatch(/world\s*:\s*['"]MAIN['"]/);
    },
  );
});
