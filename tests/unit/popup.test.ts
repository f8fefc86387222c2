// Component tests for the popup's first screen (entrypoints/popup/App.svelte) against a faked background.
import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import App from '@/entrypoints/popup/App.svelte';

describe('popup App', () => {
  beforeEach(() => fakeBrowser.reset());

  it("renders the background's status answer", async () => {
    const received: unknown[] = [];
    // fakeBrowser.runtime.sendMessage only relays replies given through sendResponse (toolchain.md §5).
    fakeBrowser.runtime.onMessage.addListener((message, _sender, sendResponse) => {
      received.push(message);
      sendResponse({ ok: true, version: '1.2.3', identities: 0 });
      return true;
    });
    render(App);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('M-Pin Authenticator');
    expect(await screen.findByText('No M-Pin identity yet.')).toBeTruthy();
    expect(screen.getByText('Version 1.2.3')).toBeTruthy();
    expect(received).toEqual([{ type: 'status' }]);
  });

  it('says so when the background does not answer', async () => {
    render(App); // no listener: sendMessage rejects
    expect(await screen.findByText(/background did not answer/)).toBeTruthy();
  });

  it('does not trust a malformed answer', async () => {
    fakeBrowser.runtime.onMessage.addListener((_m, _s, sendResponse) => {
      sendResponse({ ok: true, version: '1.2.3', identities: -1 });
      return true;
    });
    render(App);
    expect(await screen.findByText(/background did not answer/)).toBeTruthy();
  });
});
