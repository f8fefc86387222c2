// @vitest-environment node
// The adapters against the pages the real reference server serves (not fixtures): if the demo site's markup
// drifts from server/rpa/PINPAD.md, detection fails here.
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeSignIn } from '@/lib/pinpad/complete-sign-in';
import { detectPinpad } from '@/lib/pinpad/detect';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let server: TestServer;

// Starting the server (keys, SQLite) can take a while when the machine is busy.
beforeAll(async () => {
  server = await startTestServer();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

async function load(path: string): Promise<Document> {
  const res = await fetch(new URL(path, server.publicUrl));
  expect(res.status).toBe(200);
  const window = new Window({ url: new URL(path, server.publicUrl).href });
  return new window.DOMParser().parseFromString(await res.text(), 'text/html') as unknown as Document;
}

describe('the reference server pages', () => {
  it('/ is recognised as the demo PIN pad with its URLs', async () => {
    const found = detectPinpad(await load('/'));
    expect(found).toMatchObject({
      kind: 'demo',
      authenticateURL: '/mpinAuthenticate',
      authenticateURLFromPage: true,
      successURL: '/protected',
    });
    expect(found?.element.getAttribute('data-mpin-client-settings')).toBe('/rps/clientSettings');
  });

  it('/phone-login is recognised as the demo site', async () => {
    const found = detectPinpad(await load('/phone-login'));
    expect(found).toMatchObject({ kind: 'demo', successURL: '/protected' });
    expect(found?.element.hasAttribute('data-mpin-phone-login')).toBe(true);
  });

  it('/setup-phone has no PIN pad', async () => {
    expect(detectPinpad(await load('/setup-phone'))).toBeNull();
  });

  it("/mpinAuthenticate takes the content script's body: a made-up authOTT is refused, not malformed", async () => {
    const origin = new URL(server.publicUrl).origin;
    const navigated: string[] = [];
    const outcome = await completeSignIn({
      authOTT: 'ab'.repeat(16),
      authenticateURL: '/mpinAuthenticate',
      successURL: '/protected',
      origin,
      fetch,
      navigate: (url) => navigated.push(url),
      reload: () => navigated.push('reload'),
    });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.reason).toBe('http');
      expect(outcome.status).not.toBe(400); // 400 would mean the body shape is wrong
    }
    expect(navigated).toEqual([]);
  });
});
