// PIN pad detection (lib/pinpad/): each adapter on fixture markup, pages without a pad, and pages that plant
// markup or script text in the attributes an adapter reads (R17).
import { beforeEach, describe, expect, it } from 'vitest';
import { detect as detectDemo } from '@/lib/pinpad/demo-site';
import { detectPinpad } from '@/lib/pinpad/detect';
import { detect as detectMilagro } from '@/lib/pinpad/milagro';
import { readUrlAttribute } from '@/lib/pinpad/types';
import * as fx from './pinpad-fixtures';

function page(html: string): Document {
  return new DOMParser().parseFromString(`<!doctype html><html><body>${html}</body></html>`, 'text/html');
}

describe('demo site adapter (server/rpa/PINPAD.md)', () => {
  it('recognises the in-browser PIN pad with its URLs', () => {
    const found = detectPinpad(page(fx.DEMO_PINPAD));
    expect(found).toMatchObject({
      kind: 'demo',
      authenticateURL: '/mpinAuthenticate',
      authenticateURLFromPage: true,
      successURL: '/protected',
    });
    expect(found?.element.id).toBe('mpin-pinpad');
  });

  it('recognises "Sign in with Phone"', () => {
    const found = detectPinpad(page(fx.DEMO_PHONE_LOGIN));
    expect(found).toMatchObject({ kind: 'demo', authenticateURL: '/mpinAuthenticate', successURL: '/protected' });
    expect(found?.element.id).toBe('mpin-phone-login');
  });

  it('prefers the PIN pad when a page has both', () => {
    expect(detectDemo(page(fx.DEMO_PHONE_LOGIN + fx.DEMO_PINPAD))?.element.id).toBe('mpin-pinpad');
  });

  it('falls back to /mpinAuthenticate and a reload when the attributes are missing', () => {
    expect(detectDemo(page('<div data-mpin-pinpad></div>'))).toMatchObject({
      authenticateURL: '/mpinAuthenticate',
      authenticateURLFromPage: false,
      successURL: null,
    });
  });

  it('keeps absolute URLs as written (the same-origin check comes when they are used)', () => {
    const found = detectDemo(
      page(
        '<div data-mpin-pinpad data-mpin-authenticate-url="https://evil.test/a" data-mpin-success-url="//evil.test/b"></div>',
      ),
    );
    expect(found).toMatchObject({ authenticateURL: 'https://evil.test/a', successURL: '//evil.test/b' });
  });
});

describe('Milagro adapter (mpin.js)', () => {
  it('recognises the rendered widget and its login pad', () => {
    const found = detectPinpad(page(fx.MILAGRO_LOGIN));
    expect(found).toMatchObject({
      kind: 'milagro',
      authenticateURL: '/mpinAuthenticate',
      authenticateURLFromPage: false,
      successURL: null,
    });
    expect(found?.element.id).toBe('mpinMiracle');
  });

  it('recognises a pad inside .mpinMaster without the #mpinMiracle root', () => {
    expect(detectMilagro(page(fx.MILAGRO_PAD_WITHOUT_ROOT))?.element.id).toBe('login-box');
  });

  it('recognises the older CertiVox front end', () => {
    expect(detectMilagro(page(fx.MILAGRO_LEGACY))?.element.id).toBe('pinsHolder');
  });

  it('does not treat the empty #pinHolder as a pad before mpin.js renders into it', () => {
    expect(detectMilagro(page(fx.MILAGRO_EMPTY_HOLDER))).toBeNull();
  });

  it('is not chosen for the demo page', () => {
    expect(detectMilagro(page(fx.DEMO_PINPAD))).toBeNull();
  });
});

describe('pages without a PIN pad', () => {
  it.each(Object.entries(fx.NOT_PINPADS))('%s gives null', (_what, html) => {
    expect(detectPinpad(page(html))).toBeNull();
  });

  it('an empty document gives null', () => {
    expect(detectPinpad(document.implementation.createHTMLDocument(''))).toBeNull();
  });
});

describe('planted markup in the attributes an adapter reads (R17)', () => {
  const planted = [
    '"><img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    'javascript:alert(1)//"',
    '/mpinAuthenticate onclick=alert(1)',
    '/mpin\nAuthenticate',
    '/mpin\\Authenticate',
    `/${'a'.repeat(3000)}`,
    '   ',
  ];

  it.each(planted)('ignores %j and falls back to the defaults', (value) => {
    const el = document.createElement('div');
    el.setAttribute('data-mpin-pinpad', '');
    el.setAttribute('data-mpin-authenticate-url', value);
    el.setAttribute('data-mpin-success-url', value);
    const doc = page('');
    doc.body.append(doc.importNode(el, true));
    expect(detectDemo(doc)).toMatchObject({
      authenticateURL: '/mpinAuthenticate',
      authenticateURLFromPage: false,
      successURL: null,
    });
  });

  it('a URL that parses but points elsewhere is kept only as text, never rendered', () => {
    // javascript: without quotes or spaces passes the character check; complete-sign-in refuses it (not same origin).
    const doc = page('<div data-mpin-pinpad data-mpin-success-url="javascript:alert(1)"></div>');
    expect(detectDemo(doc)?.successURL).toBe('javascript:alert(1)');
  });

  it('markup planted inside the pad does not change what is detected', () => {
    const doc = page(`<section data-mpin-pinpad data-mpin-authenticate-url="/mpinAuthenticate">
      <div data-mpin-pinpad data-mpin-authenticate-url="https://evil.test/x"></div><script>document.title='x'</script></section>`);
    expect(detectDemo(doc)?.authenticateURL).toBe('/mpinAuthenticate');
  });

  describe('readUrlAttribute', () => {
    let el: HTMLElement;
    beforeEach(() => {
      el = document.createElement('div');
    });
    it('returns null for a missing attribute', () => expect(readUrlAttribute(el, 'data-x')).toBeNull());
    it('trims and returns a plain path', () => {
      el.setAttribute('data-x', '  /a/b?c=d#e ');
      expect(readUrlAttribute(el, 'data-x')).toBe('/a/b?c=d#e');
    });
  });
});
