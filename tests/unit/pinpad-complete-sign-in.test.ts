// Completing the page's sign-in with the authOTT (lib/pinpad/complete-sign-in.ts): the request it makes, the
// same-origin rule for both URLs (R7), and what it reports on failure (and the offer says, in English here).
import { describe, expect, it, vi } from 'vitest';
import {
  completeSignIn,
  sameOriginUrl,
  type CompleteSignInOptions,
  type SignInOutcome,
} from '@/lib/pinpad/complete-sign-in';
import { failedSignInText } from '@/lib/pinpad/offer-ui';

const ORIGIN = 'https://rp.test';
const OTT = '0123456789abcdef0123456789abcdef';

function setup(overrides: Partial<CompleteSignInOptions> = {}, status = 200) {
  const fetch = vi.fn(async () => new Response('{"userId":"a@b.c"}', { status }));
  const navigate = vi.fn();
  const reload = vi.fn();
  const options: CompleteSignInOptions = {
    authOTT: OTT,
    authenticateURL: '/mpinAuthenticate',
    successURL: '/protected',
    origin: ORIGIN,
    fetch: fetch,
    navigate,
    reload,
    ...overrides,
  };
  return { options, fetch, navigate, reload };
}

describe('sameOriginUrl', () => {
  it.each([
    ['/mpinAuthenticate', 'https://rp.test/mpinAuthenticate'],
    ['mpinAuthenticate', 'https://rp.test/mpinAuthenticate'],
    ['https://rp.test/a?b=c', 'https://rp.test/a?b=c'],
    ['https://RP.test:443/x', 'https://rp.test/x'],
  ])('accepts %s', (raw, href) => expect(sameOriginUrl(raw, ORIGIN)?.href).toBe(href));

  it.each([
    'https://evil.test/mpinAuthenticate',
    '//evil.test/mpinAuthenticate',
    'https://evil.rp.test/x',
    'https://rp.test.evil/x',
    'https://rp.test:8443/x',
    'http://rp.test/x',
    'javascript:alert(1)',
    'data:text/html,hi',
    'https://user:pw@rp.test/x',
    'http://[bad',
  ])('refuses %s', (raw) => expect(sameOriginUrl(raw, ORIGIN)).toBeNull());

  it('refuses everything for an opaque origin', () => expect(sameOriginUrl('/x', 'null')).toBeNull());
});

describe('completeSignIn', () => {
  it('POSTs the Milagro mpinResponse as JSON with same-origin credentials, then follows the success URL', async () => {
    const { options, fetch, navigate, reload } = setup();
    await expect(completeSignIn(options)).resolves.toEqual({ ok: true, next: 'navigate' });
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('https://rp.test/mpinAuthenticate');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ mpinResponse: { authOTT: OTT, version: '0.3', pass: 2 } });
    expect(navigate).toHaveBeenCalledWith('https://rp.test/protected');
    expect(reload).not.toHaveBeenCalled();
  });

  it('reloads when there is no success URL', async () => {
    const { options, navigate, reload } = setup({ successURL: null });
    await expect(completeSignIn(options)).resolves.toEqual({ ok: true, next: 'reload' });
    expect(navigate).not.toHaveBeenCalled();
    expect(reload).toHaveBeenCalledOnce();
  });

  it('reloads instead of following a cross-origin success URL', async () => {
    const { options, navigate, reload } = setup({ successURL: 'https://evil.test/phish' });
    await completeSignIn(options);
    expect(navigate).not.toHaveBeenCalled();
    expect(reload).toHaveBeenCalledOnce();
  });

  it.each([
    'https://evil.test/mpinAuthenticate',
    '//evil.test/x',
    'https://evil.rp.test/mpinAuthenticate',
    'javascript:alert(1)',
  ])('refuses a cross-origin authenticateURL %s without any request', async (authenticateURL) => {
    const { options, fetch, navigate, reload } = setup({ authenticateURL });
    const outcome = await completeSignIn(options);
    expect(outcome).toMatchObject({ ok: false, reason: 'refused-url' });
    expect(fetch).not.toHaveBeenCalled();
    expect(navigate).not.toHaveBeenCalled();
    expect(reload).not.toHaveBeenCalled();
  });

  it.each([
    [401, 'Incorrect PIN!'],
    [403, 'You are not authorized!'],
    [408, 'The auth request expired!'],
    [410, 'Your M-Pin identity has been blocked.'],
    [500, 'The site did not accept the sign-in (500).'],
  ])('reports HTTP %i and stays on the page; the offer says %j', async (status, message) => {
    const { options, navigate, reload } = setup({}, status);
    const outcome = await completeSignIn(options);
    expect(outcome).toEqual({ ok: false, reason: 'http', status });
    expect(failedSignInText(outcome as Extract<SignInOutcome, { ok: false }>)).toBe(message);
    expect(navigate).not.toHaveBeenCalled();
    expect(reload).not.toHaveBeenCalled();
  });

  it('reports a network failure', async () => {
    const { options } = setup({ fetch: async () => Promise.reject(new TypeError('offline')) });
    const outcome = await completeSignIn(options);
    expect(outcome).toEqual({ ok: false, reason: 'network' });
    expect(failedSignInText(outcome as Extract<SignInOutcome, { ok: false }>)).toBe(
      'The site could not be reached. Try again.',
    );
  });
});
