// One test per popup screen: the App renders a given UiState from a fake background, shows the guide's words and
// sends the right intent for each button (by mouse and by keyboard where it matters).
import { beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Intent } from '@/lib/ui-state';
import {
  BAD_ACCESS_NUMBER,
  GOOD_ACCESS_NUMBER,
  fakeBackground,
  identity,
  openPopup as open,
  other,
  service,
  states,
  ui,
} from './fixtures';

const button = (name: string | RegExp) => screen.getByRole('button', { name });
const h1 = () => screen.getByRole('heading', { level: 1 });

async function clickSends(name: string | RegExp, bg: ReturnType<typeof fakeBackground>, intent: Intent) {
  const before = bg.intents().length;
  await fireEvent.click(button(name));
  await waitFor(() => expect(bg.intents().length).toBe(before + 1));
  expect(bg.intents()[before]).toEqual(intent);
}

async function typeInto(input: HTMLElement, value: string) {
  await fireEvent.input(input, { target: { value } });
}

describe('popup screens', () => {
  beforeEach(() => fakeBrowser.reset());

  it('register: "Setup M-Pin" with e-mail and device name', async () => {
    const bg = await open(states.register);
    expect(h1().textContent).toBe('Setup M-Pin');
    expect(screen.getByText('localhost:8080')).toBeTruthy();
    const device = screen.getByLabelText('Device name') as HTMLInputElement;
    expect(device.value).toBe('Firefox on Linux');
    await typeInto(screen.getByLabelText('E-mail address'), ' alice@example.com ');
    await typeInto(device, 'My laptop');
    await clickSends('Setup M-Pin', bg, {
      kind: 'register',
      email: 'alice@example.com',
      deviceName: 'My laptop',
      origin: service.origin,
    });
  });

  it("register: shows the host of the service's second key server (D-TA), and says when it is the service itself", async () => {
    await open(states.register);
    const line = screen.getByText(/Second key server/).closest('p')!.textContent!;
    expect(line).toContain('dta.example.org');
    expect(line).not.toMatch(/the service itself/);
    cleanup();
    fakeBrowser.reset();
    await open(ui({ ...states.register, secondDta: 'localhost:8080' }));
    expect(screen.getByText(/Second key server/).closest('p')!.textContent).toMatch(
      /localhost:8080.*the service itself/s,
    );
  });

  it('register: no "Device name" when the service does not ask; a bad e-mail sends nothing', async () => {
    const bg = await open(ui({ ...states.register, setDeviceName: false, email: 'x@y.z' }));
    expect(screen.queryByLabelText('Device name')).toBeNull();
    expect((screen.getByLabelText('E-mail address') as HTMLInputElement).value).toBe('x@y.z');
    await typeInto(screen.getByLabelText('E-mail address'), 'not an e-mail');
    await fireEvent.click(button('Setup M-Pin'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/e-mail address/);
    expect(bg.intents()).toEqual([]);
  });

  it('email-sent: "I confirmed my email" and "Resend confirmation email", with the not-confirmed problem', async () => {
    const bg = await open(
      ui({
        ...states.emailSent,
        problem: { code: 'not-confirmed', retry: false },
      }),
    );
    expect(screen.getByRole('alert').textContent).toMatch(/not confirmed yet/);
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    await clickSends('I confirmed my email', bg, { kind: 'confirmedEmail' });
    await clickSends('Resend confirmation email', bg, { kind: 'resendEmail' });
    await clickSends('Cancel this registration', bg, { kind: 'cancel' });
  });

  it('email-sent: an expired registration is said clearly', async () => {
    await open(
      ui({
        ...states.emailSent,
        resent: true,
        problem: { code: 'registration-expired', retry: false },
      }),
    );
    expect(screen.getByRole('alert').textContent).toMatch(/registration has expired/);
    expect(screen.getByText(/sent again/)).toBeTruthy();
  });

  it('setup-pin: PIN pad, "SETUP", and the note not to let anyone see the PIN', async () => {
    const bg = await open(states.setupPin);
    expect(screen.getByText(/not let anyone see your PIN/)).toBeTruthy();
    for (const d of ['1', '9', '8', '4']) await fireEvent.click(button(d));
    await clickSends('SETUP', bg, { kind: 'setPin', pin: '1984' });
  });

  it('home: identity and service, "Sign in with this M-Pin", menu icon', async () => {
    const bg = await open(states.home);
    expect(screen.getByText(identity.userId)).toBeTruthy();
    expect(screen.getByText(service.name)).toBeTruthy();
    await clickSends('Sign in with this M-Pin', bg, { kind: 'startSignIn' });
    await clickSends('Menu', bg, { kind: 'openMenu' });
  });

  it('access-number: "Next" sends a valid number; Enter works too; "Cancel"', async () => {
    const bg = await open(states.accessNumber);
    const field = screen.getByLabelText('Access number');
    expect(document.activeElement).toBe(field);
    await typeInto(field, GOOD_ACCESS_NUMBER);
    await clickSends('Next', bg, { kind: 'submitAccessNumber', accessNumber: GOOD_ACCESS_NUMBER });
    const again = screen.getByLabelText('Access number');
    await typeInto(again, GOOD_ACCESS_NUMBER);
    await fireEvent.keyDown(again, { key: 'Enter' });
    await waitFor(() => expect(bg.intents()).toHaveLength(2));
    expect(bg.intents()[1]).toEqual({ kind: 'submitAccessNumber', accessNumber: GOOD_ACCESS_NUMBER });
    await clickSends('Cancel', bg, { kind: 'cancel' });
  });

  it('access-number: a bad check digit shows the problem and sends nothing', async () => {
    const bg = await open(states.accessNumber);
    await typeInto(screen.getByLabelText('Access number'), BAD_ACCESS_NUMBER);
    await fireEvent.click(button('Next'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/not valid/);
    await typeInto(screen.getByLabelText('Access number'), '12345');
    await fireEvent.keyDown(screen.getByLabelText('Access number'), { key: 'Enter' });
    expect((await screen.findByRole('alert')).textContent).toMatch(/7 digits/);
    expect(bg.received).toEqual([{ type: 'getState' }]);
  });

  it('wrong-access-number: a warning and "Try again" (retry)', async () => {
    const bg = await open(states.wrongAccessNumber);
    expect(h1().textContent).toBe('Wrong access number');
    expect(screen.getByRole('alert').textContent).toMatch(/not known.*check the number the other browser shows/);
    expect(document.activeElement).toBe(button('Try again'));
    await clickSends('Try again', bg, { kind: 'retry' });
    await clickSends('Cancel', bg, { kind: 'home' });
  });

  it('pin (remote): service, identity and access number before the PIN; "Login"; "Cancel"', async () => {
    const bg = await open(states.pinRemote);
    const context = document.querySelector('dl');
    expect(context).not.toBeNull();
    const text = context!.textContent ?? '';
    expect(text).toContain(service.name);
    expect(text).toContain(service.origin);
    expect(text).toContain(identity.userId);
    expect(text).toContain('1234560');
    // R4: the context comes before the PIN field in the document.
    const field = screen.getByLabelText('PIN');
    expect(context!.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(document.activeElement).toBe(field);
    await typeInto(field, '2468');
    await clickSends('Login', bg, { kind: 'login', pin: '2468' });
    await clickSends('Cancel', bg, { kind: 'cancel' });
  });

  it('pin (local): says this browser, no access number', async () => {
    await open(ui({ screen: 'pin', identity, purpose: 'local', target: service }));
    const text = document.querySelector('dl')!.textContent ?? '';
    expect(text).toContain('this browser');
    expect(text).not.toContain('Access number');
  });

  it('wrong-pin: "Incorrect PIN!" and "Try again" (retry)', async () => {
    const bg = await open(states.wrongPin);
    expect(h1().textContent).toBe('Incorrect PIN!');
    await clickSends('Try again', bg, { kind: 'retry' });
  });

  it('blocked: "Access Denied" with the identity, and "Register again"', async () => {
    const bg = await open(states.blocked);
    expect(screen.getByRole('alert').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      `Access Denied – Your M-Pin identity ${identity.userId} has been removed from this device.`,
    );
    await clickSends('Register again', bg, { kind: 'registerAgain' });
  });

  it('success: "signed in as" on the service, "Sign out", "Start Over"', async () => {
    const bg = await open(states.success, (intent) =>
      intent.kind === 'signOut' ? ui({ ...states.success, signedOut: true }) : states.home,
    );
    expect(screen.getByText(/Success\. You are now signed in as:/).textContent).toContain(identity.userId);
    expect(screen.getByText(/Success\. You are now signed in as:/).textContent).toContain(service.name);
    await clickSends('Sign out', bg, { kind: 'signOut' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Signed out' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
    await clickSends('Start Over', bg, { kind: 'home' });
  });

  it('success without sign-out data: only "Start Over"', async () => {
    await open(ui({ ...states.success, canSignOut: false }));
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
    expect(button('Start Over')).toBeTruthy();
  });

  it('menu: select an identity, the pencil opens Manage, "Add new identity"', async () => {
    const bg = await open(states.menu);
    const list = screen.getByRole('list');
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(button(new RegExp(`^${other.userId}`)).getAttribute('aria-current')).toBeNull();
    expect(button(new RegExp(`^${identity.userId}`)).getAttribute('aria-current')).toBe('true');
    await clickSends(new RegExp(`^${other.userId}`), bg, { kind: 'selectIdentity', id: other.id });
    await clickSends(`Manage ${other.userId} on ${other.service.name}`, bg, { kind: 'manage', id: other.id });
    await clickSends('Add new identity', bg, { kind: 'addIdentity' });
    await clickSends('Back', bg, { kind: 'home' });
  });

  it('manage: "Reset PIN" and "Remove Identity"', async () => {
    const bg = await open(states.manage);
    await clickSends('Reset PIN', bg, { kind: 'resetPin' });
    await clickSends('Remove Identity', bg, { kind: 'removeIdentity' });
  });

  it('confirm-reset: "Yes, Reactivate it" and Cancel (home)', async () => {
    const bg = await open(states.confirmReset);
    await clickSends('Yes, Reactivate it', bg, { kind: 'confirmReset' });
    await clickSends('Cancel', bg, { kind: 'home' });
  });

  it('confirm-remove: "Yes, Remove it" and Cancel (home)', async () => {
    const bg = await open(states.confirmRemove);
    await clickSends('Yes, Remove it', bg, { kind: 'confirmRemove' });
    await clickSends('Cancel', bg, { kind: 'home' });
  });

  it('a network problem says so and offers "Retry" (intent retry)', async () => {
    const bg = await open(ui({ ...states.home, problem: { code: 'network', retry: true, detail: 'timeout' } }));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Could not reach localhost:8080.');
    expect(alert.textContent).toContain('The service did not answer in time.');
    await clickSends('Retry', bg, { kind: 'retry' });
  });
});
