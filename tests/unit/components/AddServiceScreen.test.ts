// Adding a service: host access is asked for in the click, and a refusal sends nothing.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import App from '@/entrypoints/popup/App.svelte';
import { fakeBackground, states, ui } from './fixtures';

async function open(state: unknown) {
  const bg = fakeBackground(state, () => states.register);
  render(App);
  await screen.findByRole('heading', { level: 1, name: 'Add a service' });
  return bg;
}

/** Stubs permissions.request (its typings pick the callback overload, hence the cast). */
const stubRequest = (impl: () => Promise<boolean>) => vi.spyOn(browser.permissions, 'request').mockImplementation(impl);

const button = (name: string | RegExp) => screen.getByRole('button', { name });

describe('add-service screen', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.restoreAllMocks();
  });

  it('asks for host access to the service, then sends addService', async () => {
    const request = stubRequest(() => Promise.resolve(true));
    const bg = await open(states.addService);
    expect(screen.getByText(/as shown under "Setup your phone"/)).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Service URL'), { target: { value: 'http://localhost:8080/mpin' } });
    await fireEvent.click(button('Add service'));
    await waitFor(() => expect(bg.intents()).toEqual([{ kind: 'addService', url: 'http://localhost:8080/mpin' }]));
    expect(request).toHaveBeenCalledExactlyOnceWith({ origins: ['http://localhost/*'] });
    expect(await screen.findByRole('heading', { level: 1, name: 'Setup M-Pin' })).toBeTruthy();
  });

  it('sends nothing when the user refuses host access, and says so', async () => {
    const request = stubRequest(() => Promise.resolve(false));
    const bg = await open(states.addService);
    await fireEvent.input(screen.getByLabelText('Service URL'), { target: { value: 'https://rp.example/' } });
    await fireEvent.click(button('Add service'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Access to rp\.example was not allowed/);
    expect(request).toHaveBeenCalledExactlyOnceWith({ origins: ['https://rp.example/*'] });
    expect(bg.received).toEqual([{ type: 'getState' }]);
  });

  it('sends nothing when the permission request fails', async () => {
    stubRequest(() => Promise.reject(new Error('not in optional permissions')));
    const bg = await open(states.addService);
    await fireEvent.input(screen.getByLabelText('Service URL'), { target: { value: 'https://rp.example/' } });
    await fireEvent.submit(screen.getByLabelText('Service URL').closest('form')!);
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(bg.received).toEqual([{ type: 'getState' }]);
  });

  it('reads a bare host as https, like the background', async () => {
    const request = stubRequest(() => Promise.resolve(true));
    const bg = await open(states.addService);
    await fireEvent.input(screen.getByLabelText('Service URL'), { target: { value: 'rp.example' } });
    await fireEvent.click(button('Add service'));
    await waitFor(() => expect(bg.intents()).toEqual([{ kind: 'addService', url: 'rp.example' }]));
    expect(request).toHaveBeenCalledExactlyOnceWith({ origins: ['https://rp.example/*'] });
  });

  it.each(['ftp://rp.example', 'http://rp.example/', 'http://10.0.0.5:8080'])(
    'refuses %s (not https, nor http on this computer) without asking for anything',
    async (value) => {
      const request = stubRequest(() => Promise.resolve(true));
      const bg = await open(states.addService);
      await fireEvent.input(screen.getByLabelText('Service URL'), { target: { value } });
      await fireEvent.click(button('Add service'));
      expect((await screen.findByRole('alert')).textContent).toMatch(/not a service address.*https:\/\//s);
      expect(request).not.toHaveBeenCalled();
      expect(bg.received).toEqual([{ type: 'getState' }]);
    },
  );

  it('offers the service found on this tab: "Use <name>"', async () => {
    const request = stubRequest(() => Promise.resolve(true));
    const bg = await open(
      ui({ screen: 'add-service', detected: { origin: 'https://rp.example', name: 'rp.example' } }),
    );
    expect(document.activeElement).toBe(button('Use rp.example'));
    await fireEvent.click(button('Use rp.example'));
    await waitFor(() => expect(bg.intents()).toEqual([{ kind: 'addService', url: 'https://rp.example' }]));
    expect(request).toHaveBeenCalledExactlyOnceWith({ origins: ['https://rp.example/*'] });
  });

  it('"Scan QR code on this tab" sends scanQr; a no-qr problem is shown', async () => {
    const bg = await open(
      ui({
        screen: 'add-service',
        problem: { code: 'no-qr', retry: false },
      }),
    );
    expect(screen.getByRole('alert').textContent).toMatch(/No QR code.*Open the popup on the page that shows it/);
    await fireEvent.click(button('Scan QR code on this tab'));
    await waitFor(() => expect(bg.intents()).toEqual([{ kind: 'scanQr' }]));
  });
});
