// The popup's words for the background's problem codes (components/problems.ts): every code and every detail has
// its own, the service is named when known, and a service's HTTP status is said as the popup's own words.
import { describe, expect, it } from 'vitest';
import { problemWords } from '@/components/problems';
import { ProblemCode, ProblemDetail, type Problem } from '@/lib/ui-state';

const codes = ProblemCode.options.filter((c) => c !== 'service-error');

describe('problem words', () => {
  it.each(codes)('%s has a headline and a message, with and without a service name', (code) => {
    for (const service of ['rp.example', undefined]) {
      const words = problemWords({ code, retry: false }, service);
      expect(words.headline.length).toBeGreaterThan(5);
      expect(words.message.length).toBeGreaterThan(5);
      expect(`${words.headline} ${words.message}`).not.toMatch(/[{}$]|undefined/);
    }
  });

  it('the codes have headlines of their own', () => {
    const headlines = new Set(codes.map((code) => problemWords({ code, retry: false }).headline));
    expect(headlines.size).toBe(codes.length);
  });

  it('every detail says more than its code', () => {
    const details: Problem[] = [
      { code: 'network', retry: true, detail: 'timeout' },
      { code: 'malformed', retry: false, detail: 'sends-elsewhere' },
      { code: 'malformed', retry: false, detail: 'no-service' },
      { code: 'malformed', retry: false, detail: 'unsafe-settings' },
      { code: 'registration-expired', retry: false, detail: 'pin-time-over' },
      { code: 'access-number-expired', retry: false, detail: 'new-number' },
      { code: 'access-number-expired', retry: false, detail: 'this-browser' },
      { code: 'sign-out-failed', retry: false, detail: 'sign-out-expired' },
      { code: 'sign-out-failed', retry: false, detail: 'sign-out-elsewhere' },
      { code: 'internal', retry: false, detail: 'page-refused' },
    ];
    expect(details.map((p) => p.detail).sort()).toEqual([...ProblemDetail.options].sort());
    for (const p of details) {
      const plain = problemWords({ code: p.code, retry: p.retry }, 'rp.example').message;
      expect(problemWords(p, 'rp.example').message).not.toBe(plain);
    }
  });

  it('names the service when it is known', () => {
    expect(problemWords({ code: 'network', retry: true }, 'rp.example').headline).toBe('Could not reach rp.example.');
    expect(problemWords({ code: 'network', retry: true }).headline).toBe('Could not reach the service.');
    expect(problemWords({ code: 'page-changed', retry: false }, 'rp.example').message).toMatch(
      /no longer shows rp\.example.*open rp\.example again/,
    );
  });

  it("says a service's failure (5xx) otherwise than its refusal (4xx), with the status", () => {
    expect(problemWords({ code: 'service-error', retry: true, status: 503 }).message).toBe(
      'The service had a problem (HTTP 503). Try again later.',
    );
    expect(problemWords({ code: 'service-error', retry: true, status: 409 }).message).toBe(
      'The service refused the request (HTTP 409). Try again later.',
    );
  });
});
