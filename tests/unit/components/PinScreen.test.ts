// The PIN screen of a remote sign-in (issue 11): the computer that asked for the access number as the service saw it
// ("Chrome on Windows · 203.0.113.7 · asked 12 s ago"), the line to go on only for the computer in front of you,
// the seconds the number has left counting down from the state's end, "This wasn't me"; a service that does not say
// which computer asked; and the home screen's word on a refused sign-in afterwards.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/svelte';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { identity, openPopup as open, states, ui } from './fixtures';

const T0 = Date.UTC(2026, 11, 2, 9, 30, 0);
const pc = { browser: 'Chrome', os: 'Windows', ip: '203.0.113.7', askedAt: T0 - 12_000 };
const withPc = ui({ ...states.pinRemote, pc, expiresAt: T0 + 87_000 });

const context = () => document.querySelector('dl')!.textContent!.replace(/\s+/g, ' ');
const timeLeft = () => screen.getByRole('timer').textContent!.trim();

beforeEach(() => {
  fakeBrowser.reset();
  vi.setSystemTime(T0); // Date only: the screen's own once-a-second timer runs for real
});
afterEach(() => vi.useRealTimers());

describe('the PIN screen of a remote sign-in', () => {
  it('names the computer that asked, says to go on only for the one in front of you, and counts down', async () => {
    await open(withPc);
    expect(context()).toContain('Chrome on Windows · 203.0.113.7 · asked 12 s ago');
    expect(screen.getByText('Go on only if this is the computer in front of you.')).toBeTruthy();
    expect(timeLeft()).toBe('87 s left');
    // R4: the computer comes before the PIN field
    const field = screen.getByLabelText('PIN');
    const computer = screen.getByTestId('pc');
    expect(computer.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    vi.setSystemTime(T0 + 5_000);
    await waitFor(() => expect(timeLeft()).toBe('82 s left'), { timeout: 3_000 });
    expect(context()).toContain('asked 17 s ago');
    vi.setSystemTime(T0 + 87_000);
    await waitFor(() => expect(timeLeft()).toBe('This access number has expired.'), { timeout: 3_000 });
  });

  it('says so when the service does not name the computer, and when it could not tell the browser or system', async () => {
    await open(states.pinRemote);
    expect(screen.getByText('This service does not say which computer asked.')).toBeTruthy();
    expect(context()).toContain('the other browser that shows this access number');
    expect(screen.queryByRole('timer')).toBeNull();
    expect(screen.queryByText(/computer in front of you/)).toBeNull();
  });

  it('words an unknown browser and system, and shows what the service sent as text only', async () => {
    await open(ui({ ...withPc, pc: { ...pc, browser: '', os: '', ip: '<img src=x onerror=alert(1)>' } }));
    expect(context()).toContain('an unknown browser on an unknown system · <img src=x onerror=alert(1)> · asked');
    expect(document.querySelector('img')).toBeNull();
  });

  it('"This wasn\'t me" sends the refusal; home then says the other computer was refused', async () => {
    const refused = ui({ ...states.home, notice: 'sign-in-refused' });
    const bg = await open(withPc, (intent) => (intent.kind === 'refuseSignIn' ? refused : withPc));
    screen.getByRole('button', { name: "This wasn't me" }).click();
    await waitFor(() => expect(bg.intents()).toEqual([{ kind: 'refuseSignIn' }]));
    expect(await screen.findByText("The other computer's sign-in was refused. It is not signed in.")).toBeTruthy();
    expect(screen.getByRole('status').className).toBe('ok');
  });

  it('a sign-in on this browser has neither the computer nor "This wasn\'t me"', async () => {
    await open(ui({ screen: 'pin', identity, purpose: 'local', target: states.pinRemote.target }));
    expect(screen.queryByRole('button', { name: "This wasn't me" })).toBeNull();
    expect(screen.queryByText(/which computer asked/)).toBeNull();
  });
});

describe('the home screen after "This wasn\'t me"', () => {
  it.each([
    ['access-number-gone', 'ok', /no longer valid, so nobody can sign in with it/],
    ['refusal-not-sent', 'warning', /could not be told: .* stays valid until it expires/],
  ] as const)('%s', async (notice, kind, words) => {
    await open(ui({ ...states.home, notice }));
    expect(screen.getByRole('status').textContent).toMatch(words);
    expect(screen.getByRole('status').className).toBe(kind);
  });

  it('says nothing without a notice', async () => {
    await open(states.home);
    expect(screen.queryByRole('status')).toBeNull();
  });
});
