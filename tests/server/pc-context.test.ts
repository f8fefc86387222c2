// The PC's context shown on the phone before the PIN: browser and OS names from real User-Agent strings, and
// nothing unprintable or long from a hostile one.
import { describe, expect, it } from 'vitest';
import { pcContext } from '../../server/rps/pc-context.ts';

const uas: [ua: string, browser: string, os: string][] = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Chrome',
    'Windows',
  ],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox', 'Linux'],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
    'Safari',
    'macOS',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    'Microsoft Edge',
    'Windows',
  ],
];

describe('pcContext', () => {
  for (const [ua, browser, os] of uas) {
    it(`${browser} on ${os}`, () => {
      expect(pcContext(ua, '203.0.113.7', 1000)).toEqual({ browser, os, ip: '203.0.113.7', requestedAt: 1000 });
    });
  }

  it('says nothing rather than guessing for an empty or missing User-Agent', () => {
    expect(pcContext(undefined, '::1', 0)).toMatchObject({ browser: '', os: '' });
    expect(pcContext('', '::1', 0)).toMatchObject({ browser: '', os: '' });
  });

  it('keeps control characters, markup and length out of what the phone shows', () => {
    const hostile = `Mozilla/5.0 (Windows NT 10.0) Chrome/1.0 Safari/537.36 ${'\u202e<script>\n'.repeat(100)}`;
    const c = pcContext(hostile, 'x'.repeat(200), 0);
    for (const v of [c.browser, c.os]) {
      expect(v).toMatch(/^[\p{L}\p{N} ._-]{0,40}$/u);
    }
    expect(c.ip.length).toBeLessThanOrEqual(64);
  });
});
