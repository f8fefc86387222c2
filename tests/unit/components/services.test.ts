// Several services (issue 10), the popup's side: "Add a service" in the menu and each identity's service there, the
// registration form that names its service and lets the user pick among the added ones, and the add-service screen
// that says it waits while the browser's permission prompt is open.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { identity, openPopup as open, other, service, states, ui } from './fixtures';

const button = (name: string | RegExp) => screen.getByRole('button', { name });

/** The register screen with two services: the form's own (asks for a device name) and another one (does not). */
const twoServices = ui({
  ...states.register,
  services: [
    { ...service, setDeviceName: true, secondDta: 'dta.example.org' },
    { ...other.service, setDeviceName: false },
  ],
});

describe('menu', () => {
  beforeEach(() => fakeBrowser.reset());

  it('names the service of each identity, and "Add a service" sends openAddService', async () => {
    const bg = await open(states.menu);
    const lines = within(screen.getByRole('list')).getAllByRole('listitem');
    expect(lines.map((li) => li.querySelector('button.select')?.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      `${identity.userId} ${identity.service.name}`,
      `${other.userId} ${other.service.name}`,
    ]);
    await fireEvent.click(button('Add a service'));
    await waitFor(() => expect(bg.intents()).toEqual([{ kind: 'openAddService' }]));
  });

  it('offers "Add a service" with no identity too', async () => {
    const bg = await open(ui({ screen: 'menu', identities: [] }));
    await fireEvent.click(button('Add a service'));
    await waitFor(() => expect(bg.intents()).toEqual([{ kind: 'openAddService' }]));
  });
});

describe('register: the service it is for', () => {
  beforeEach(() => fakeBrowser.reset());

  it('names its one service, and sends it with the registration', async () => {
    const bg = await open(states.register);
    expect(screen.getByText(/For the service/).textContent).toBe(`For the service ${service.name}`);
    expect(screen.queryByRole('combobox')).toBeNull();
    expect(document.activeElement).toBe(screen.getByLabelText('E-mail address'));
    await fireEvent.input(screen.getByLabelText('E-mail address'), { target: { value: 'ann@example.com' } });
    await fireEvent.click(button('Setup M-Pin'));
    await waitFor(() =>
      expect(bg.intents()).toEqual([
        { kind: 'register', email: 'ann@example.com', deviceName: 'Firefox on Linux', origin: service.origin },
      ]),
    );
  });

  it('with several services: a picker (focused first) lists them, and the form follows the one picked', async () => {
    const bg = await open(twoServices);
    const picker = screen.getByLabelText('Service') as HTMLSelectElement;
    expect(document.activeElement).toBe(picker);
    expect([...picker.options].map((o) => o.textContent)).toEqual([service.name, other.service.name]);
    expect(picker.value).toBe(service.origin);
    expect(screen.getByLabelText('Device name')).toBeTruthy();
    expect(screen.getByText(/Second key server/).textContent).toContain('dta.example.org');

    await fireEvent.change(picker, { target: { value: other.service.origin } });
    // the other service asks for no device name and has no second key server elsewhere
    expect(screen.queryByLabelText('Device name')).toBeNull();
    expect(screen.queryByText(/Second key server/)).toBeNull();
    await fireEvent.input(screen.getByLabelText('E-mail address'), { target: { value: 'ann@example.com' } });
    await fireEvent.click(button('Setup M-Pin'));
    await waitFor(() =>
      expect(bg.intents()).toEqual([
        { kind: 'register', email: 'ann@example.com', deviceName: 'Firefox on Linux', origin: other.service.origin },
      ]),
    );
  });

  it('a picked service keeps what was typed', async () => {
    await open(twoServices);
    await fireEvent.input(screen.getByLabelText('E-mail address'), { target: { value: 'kept@example.com' } });
    await fireEvent.change(screen.getByLabelText('Service'), { target: { value: other.service.origin } });
    expect((screen.getByLabelText('E-mail address') as HTMLInputElement).value).toBe('kept@example.com');
  });
});

describe('add-service: waiting for the permission prompt, and a way back', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.restoreAllMocks();
  });

  it("says that it waits for the user's answer while the browser's prompt is open, then goes on", async () => {
    let answer: (granted: boolean) => void = () => {};
    vi.spyOn(browser.permissions, 'request').mockImplementation(
      () => new Promise<boolean>((resolve) => (answer = resolve)),
    );
    const bg = await open(states.addService, () => states.register);
    const status = screen.getByRole('status');
    expect(status.textContent?.trim()).toBe('');

    await fireEvent.input(screen.getByLabelText('Service URL'), { target: { value: 'https://rp.example' } });
    await fireEvent.click(button('Add service'));
    await waitFor(() => expect(status.textContent).toMatch(/Waiting for your answer.*access rp\.example/));
    expect((button('Add service') as HTMLButtonElement).disabled).toBe(true);
    expect(bg.intents()).toEqual([]);

    answer(true);
    await waitFor(() => expect(bg.intents()).toEqual([{ kind: 'addService', url: 'https://rp.example' }]));
    expect(await screen.findByRole('heading', { level: 1, name: 'Setup M-Pin' })).toBeTruthy();
  });

  it('the message goes when the user refuses', async () => {
    let answer: (granted: boolean) => void = () => {};
    vi.spyOn(browser.permissions, 'request').mockImplementation(
      () => new Promise<boolean>((resolve) => (answer = resolve)),
    );
    await open(states.addService);
    await fireEvent.input(screen.getByLabelText('Service URL'), { target: { value: 'https://rp.example' } });
    await fireEvent.click(button('Add service'));
    await screen.findByText(/Waiting for your answer/);
    answer(false);
    expect((await screen.findByRole('alert')).textContent).toMatch(/Access to rp\.example was not allowed/);
    expect(screen.queryByText(/Waiting for your answer/)).toBeNull();
  });

  it('"Cancel" only when there is somewhere to go back to', async () => {
    await open(states.addService);
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    cleanup();
    fakeBrowser.reset();
    const bg = await open(ui({ screen: 'add-service', canCancel: true }));
    await fireEvent.click(button('Cancel'));
    await waitFor(() => expect(bg.intents()).toEqual([{ kind: 'cancel' }]));
  });
});
