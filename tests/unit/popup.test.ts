// The popup App against a faked background: it asks for the state, renders it, sends intents, shows a busy state,
// moves focus and announces each screen, and does not trust a missing or malformed answer.
import { beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import App from '@/entrypoints/popup/App.svelte';
import { fakeBackground, states } from './components/fixtures';

const loaded = () => waitFor(() => expect(screen.queryByText(/Connecting to the extension/)).toBeNull());

describe('popup App', () => {
  beforeEach(() => fakeBrowser.reset());

  it('asks the background for the state and renders its screen', async () => {
    const bg = fakeBackground(states.home);
    render(App);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('M-Pin Authenticator');
    expect(await screen.findByRole('button', { name: 'Sign in with this M-Pin' })).toBeTruthy();
    expect(bg.received).toEqual([{ type: 'getState' }]);
  });

  it('renders every screen with exactly one h1', async () => {
    for (const state of Object.values(states)) {
      fakeBrowser.reset();
      fakeBackground(state);
      render(App);
      await loaded();
      expect(screen.getAllByRole('heading', { level: 1 }), state.screen).toHaveLength(1);
      cleanup();
    }
  });

  it('says so when the background does not answer, and "Retry" asks again', async () => {
    render(App); // no listener: sendMessage rejects
    expect((await screen.findByRole('alert')).textContent).toMatch(/The extension's background did not answer/);
    const bg = fakeBackground(states.home);
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('button', { name: 'Sign in with this M-Pin' })).toBeTruthy();
    expect(bg.received).toEqual([{ type: 'getState' }]);
  });

  it('does not trust a malformed answer', async () => {
    fakeBackground({ screen: 'home', identity: { id: 'x' }, identityCount: 1 });
    render(App);
    expect((await screen.findByRole('alert')).textContent).toMatch(/background did not answer/);
  });

  it('does not trust an empty answer to an intent', async () => {
    fakeBackground(states.home, () => undefined);
    render(App);
    await fireEvent.click(await screen.findByRole('button', { name: 'Sign in with this M-Pin' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/background did not answer/);
  });

  it('shows a busy state and disables the buttons while it waits', async () => {
    let answer: (() => void) | undefined;
    fakeBrowser.runtime.onMessage.addListener((message, _s, sendResponse) => {
      const m = message as { type: string };
      if (m.type === 'getState') sendResponse(states.home);
      else answer = () => sendResponse(states.accessNumber);
      return true;
    });
    render(App);
    const signIn = await screen.findByRole('button', { name: 'Sign in with this M-Pin' });
    await fireEvent.click(signIn);
    await waitFor(() => expect(answer).toBeDefined());
    expect(screen.getByText(/Working…/, { selector: '.busy' })).toBeTruthy();
    expect(screen.getByTestId('announcer').textContent).toBe('Working…');
    expect((signIn as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Menu' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('main').getAttribute('aria-busy')).toBe('true');
    answer!();
    expect(await screen.findByLabelText('Access number')).toBeTruthy();
    expect(screen.queryByText(/Working…/, { selector: '.busy' })).toBeNull();
  });

  it('moves focus to the new screen and announces it', async () => {
    const bg = fakeBackground(states.home, (intent) =>
      intent.kind === 'openMenu' ? states.menu : states.accessNumber,
    );
    render(App);
    await loaded();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'M-Pin' })));
    await fireEvent.click(screen.getByRole('button', { name: 'Menu' }));
    const heading = await screen.findByRole('heading', { level: 1, name: 'Identities' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(screen.getByTestId('announcer').getAttribute('aria-live')).toBe('polite');
    expect(screen.getByTestId('announcer').textContent).toBe('Identities');
    expect(bg.intents()).toEqual([{ kind: 'openMenu' }]);
  });

  it('keeps no PIN once the intent is sent', async () => {
    const bg = fakeBackground(states.pinRemote, () => states.wrongPin);
    render(App);
    const field = (await screen.findByLabelText('PIN')) as HTMLInputElement;
    await fireEvent.input(field, { target: { value: '2468' } });
    await fireEvent.keyDown(field, { key: 'Enter' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Incorrect PIN!' })).toBeTruthy();
    expect(bg.intents()).toEqual([{ kind: 'login', pin: '2468' }]);
    expect(field.value).toBe('');
    expect(document.body.innerHTML).not.toContain('2468');
    for (const input of document.querySelectorAll('input')) expect(input.value).toBe('');
  });

  it('reopened mid-flow, it shows where the flow is', async () => {
    const bg = fakeBackground(states.setupPin);
    render(App);
    expect(await screen.findByRole('button', { name: 'SETUP' })).toBeTruthy();
    expect(bg.received).toEqual([{ type: 'getState' }]);
  });
});
