/**
 * The in-browser PIN pad (M-Pin-In-Browser) of the demo site's home page: registration with e-mail
 * activation, PIN setup, and sign-in with the PIN, as Milagro's PIN pad and mpinjs do (docs/protocol.md
 * §6.2–6.4, §8.2). Identities live in this page's localStorage (store.ts); the PIN is never stored.
 * The markup it drives is rendered by server/rpa/home-page.ts and documented in server/rpa/PINPAD.md. Every RPS
 * and D-TA call goes through the zod-checked client of lib/rps (server/web/rps.ts).
 */
import './zod-jitless.ts';
import { fromHex, mpin, parseMpinId, pinFromDigits, toHex } from '../../lib/mpin/index.ts';
import { RpsError, type RpsClient } from '../../lib/rps/client.ts';
import { deviceNameSuggestion } from '../../lib/rps/device-name.ts';
import { isEmail } from '../../lib/rps/email.ts';
import type { RegisterResponse } from '../../lib/rps/schemas.ts';
import { byId, statusLine } from './page.ts';
import { SIGN_IN_REFUSED, UNREACHABLE, connectToRps, isUnreachable, reasonOf, statusOf } from './rps.ts';
import { type Account, deleteAccount, getAccount, getPrefs, listAccounts, putAccount, setPrefs } from './store.ts';

type View = 'loading' | 'identities' | 'register' | 'confirm' | 'setup-pin' | 'pin' | 'blocked';
type Permit = { ok: true; date: number; timePermit: Uint8Array } | { ok: false; error: unknown };

const root = byId('mpin-pinpad');
const say = statusLine(byId('mpin-status'));
let rps: RpsClient;
/** The identity being registered or signed in with. */
let current: string | null = null;
/** The client secret between "I confirmed my email" and PIN setup: memory only, wiped after use. */
let clientSecret: Uint8Array | null = null;
let permit: Promise<Permit> | null = null;
let busy = false;
/** No focus moves before the first view is up: the page keeps its normal start (skip link first). */
let started = false;

const userIdOf = (mpinId: string): string => {
  try {
    return parseMpinId(mpinId).fields.userID;
  } catch {
    return '(unreadable identity)';
  }
};

function show(view: View, focus = true): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-mpin-view]')) el.hidden = el.dataset.mpinView !== view;
  root.dataset.mpinState = view;
  const hasIdentities = listAccounts().length > 0;
  for (const el of root.querySelectorAll<HTMLElement>('[data-mpin-needs-identities]')) el.hidden = !hasIdentities;
  for (const el of root.querySelectorAll<HTMLElement>('.mpin-current-user'))
    el.textContent = current ? userIdOf(current) : '';
  if (!focus || !started) return;
  const panel = root.querySelector<HTMLElement>(`[data-mpin-view="${view}"]`);
  const target =
    panel?.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled])') ??
    panel?.querySelector<HTMLElement>('h3');
  target?.focus();
}

function setBusy(on: boolean): void {
  busy = on;
  root.setAttribute('aria-busy', String(on));
  for (const b of root.querySelectorAll<HTMLButtonElement>('button:not([data-mpin-digit]):not([data-mpin-key])'))
    b.disabled = on;
}

/** Runs one user action: one at a time, with a server out of reach (or anything unforeseen) reported in the status region. */
async function act(work: () => Promise<void>): Promise<void> {
  if (busy) return;
  setBusy(true);
  try {
    await work();
  } catch (e) {
    say(isUnreachable(e) ? UNREACHABLE : `Something went wrong: ${reasonOf(e)}`, 'error');
  } finally {
    setBusy(false);
  }
}

// ------------------------------------------------------------------ identities
function renderIdentities(): void {
  const list = byId<HTMLUListElement>('mpin-identity-list');
  list.replaceChildren();
  for (const [mpinId, account] of listAccounts()) {
    const userId = userIdOf(mpinId);
    const li = document.createElement('li');
    li.className = 'mpin-identity';
    li.dataset.mpinId = mpinId;
    li.dataset.mpinState = account.state;
    const name = document.createElement('span');
    name.className = 'mpin-identity-name';
    name.textContent = userId;
    const select = document.createElement('button');
    select.type = 'button';
    select.className = 'mpin-identity-select';
    if (account.state === 'REGISTERED') {
      select.textContent = 'Sign in';
      select.setAttribute('aria-label', `Sign in as ${userId}`);
    } else {
      select.textContent = 'Finish registration';
      select.setAttribute('aria-label', `Finish the registration of ${userId}`);
    }
    select.addEventListener('click', () => selectIdentity(mpinId));
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'mpin-identity-remove secondary';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove ${userId} from this browser`);
    remove.addEventListener('click', () => {
      if (!confirm(`Are you sure you wish to remove the M-Pin identity ${userId} from this browser?`)) return;
      deleteAccount(mpinId);
      say(`${userId} was removed from this browser.`);
      home();
    });
    li.append(name, ' ', select, ' ', remove);
    list.append(li);
  }
}

function home(): void {
  current = null;
  clientSecret = null;
  if (listAccounts().length === 0) return showRegister();
  renderIdentities();
  show('identities');
}

function selectIdentity(mpinId: string): void {
  const account = getAccount(mpinId);
  if (!account) return home();
  current = mpinId;
  setPrefs({ identity: mpinId });
  if (account.state === 'REGISTERED') return showPin();
  say(`Confirm your e-mail address, then press “I confirmed my email”.`);
  show('confirm');
}

// ------------------------------------------------------------------ registration
const suggestDeviceName = (): string => deviceNameSuggestion(navigator.userAgent);

function showRegister(prefillEmail = ''): void {
  current = null;
  const email = byId<HTMLInputElement>('mpin-email');
  if (prefillEmail) email.value = prefillEmail;
  const deviceField = byId('mpin-device-name-field');
  deviceField.hidden = !rps.settings.setDeviceName;
  const device = byId<HTMLInputElement>('mpin-device-name');
  if (rps.settings.setDeviceName && !device.value) device.value = getPrefs().device ?? suggestDeviceName();
  show('register');
}

async function register(): Promise<void> {
  const emailInput = byId<HTMLInputElement>('mpin-email');
  const userId = emailInput.value.trim().toLowerCase();
  if (!isEmail(userId)) {
    emailInput.setAttribute('aria-invalid', 'true');
    say('Please enter a valid e-mail address.', 'error');
    emailInput.focus();
    return;
  }
  emailInput.removeAttribute('aria-invalid');
  let deviceName: string | undefined;
  if (rps.settings.setDeviceName) {
    deviceName = byId<HTMLInputElement>('mpin-device-name').value.trim().slice(0, 64) || suggestDeviceName();
    setPrefs({ device: deviceName });
  }
  let answer: RegisterResponse;
  try {
    answer = await rps.register(userId, deviceName);
  } catch (e) {
    if (isUnreachable(e)) throw e;
    return say(`We could not complete your registration: ${reasonOf(e)}`, 'error');
  }
  if (remember(answer)) return confirmed();
  say(`We sent an e-mail to ${userId}.`);
  show('confirm');
}

async function resend(): Promise<void> {
  const account = current ? getAccount(current) : undefined;
  if (!current || !account) return home();
  const userId = userIdOf(current);
  const deviceName = rps.settings.setDeviceName ? (getPrefs().device ?? suggestDeviceName()) : undefined;
  let answer: RegisterResponse;
  try {
    answer = await rps.resend(current, userId, account.regOTT, deviceName);
  } catch (e) {
    if (isUnreachable(e)) throw e;
    return say(`We could not send the e-mail again: ${reasonOf(e)}`, 'error');
  }
  // a registration that had expired is started afresh under a new mpin_id
  if (answer.mpinId.toLowerCase() !== current) deleteAccount(current);
  if (remember(answer)) return confirmed();
  say(`We sent the e-mail to ${userId} again.`);
  show('confirm', false);
}

/** Keeps a registration's identity and makes it the current one; true when it is active already (no e-mail). */
function remember(answer: RegisterResponse): boolean {
  const mpinId = answer.mpinId.toLowerCase();
  putAccount(mpinId, { regOTT: answer.regOTT, token: '', state: answer.active ? 'ACTIVATED' : 'STARTED' });
  current = mpinId;
  setPrefs({ identity: mpinId });
  return answer.active === true;
}

/** "I confirmed my email": the first share from the RPS, the second from the cloud D-TA, combined. */
async function confirmed(): Promise<void> {
  const account = current ? getAccount(current) : undefined;
  if (!current || !account) return home();
  const mpinId = current;
  const userId = userIdOf(mpinId);
  let shares: [string, string];
  try {
    const sig = await rps.signature(mpinId, account.regOTT);
    shares = [sig.clientSecretShare, await rps.cloudClientSecret(sig.params)];
  } catch (e) {
    if (isUnreachable(e)) throw e;
    const secondDta = e instanceof RpsError && e.step === 'cloudClientSecret';
    const status = secondDta ? undefined : statusOf(e);
    if (status === 401) {
      say('Identity not verified! Open the link in the e-mail and press “Confirm and activate” first.', 'error');
      return show('confirm', false);
    }
    if (status === 400 || status === 404) {
      deleteAccount(mpinId);
      say(`Identity expired! Please register ${userId} again.`, 'error');
      return showRegister(userId);
    }
    const reason = secondDta ? `the second share was refused (${reasonOf(e)}).` : reasonOf(e);
    return say(`We could not complete your registration: ${reason}`, 'error');
  }
  clientSecret = mpin.recombineG1(fromHex(shares[0], 'clientSecretShare'), fromHex(shares[1], 'clientSecret'));
  putAccount(mpinId, { ...account, state: 'ACTIVATED' });
  say(`Your e-mail address is confirmed. Choose a 4-digit PIN for ${userId}.`, 'success');
  show('setup-pin');
}

async function setupPin(): Promise<void> {
  const input = byId<HTMLInputElement>('mpin-new-pin');
  const pin = readPin(input);
  if (pin === null || !current) return;
  const account = getAccount(current);
  if (!account || !clientSecret) {
    say('The registration was interrupted. Please register again.', 'error');
    if (current) deleteAccount(current);
    return showRegister(current ? userIdOf(current) : '');
  }
  const token = mpin.extractPin(fromHex(current), pin, clientSecret);
  clientSecret.fill(0);
  clientSecret = null;
  input.value = '';
  putAccount(current, { regOTT: account.regOTT, token: toHex(token), state: 'REGISTERED' });
  say(`Congratulations! Your M-Pin identity ${userIdOf(current)} is set up. Enter your PIN to sign in.`, 'success');
  showPin();
}

// ------------------------------------------------------------------ sign-in
function readPin(input: HTMLInputElement): number | null {
  try {
    const pin = pinFromDigits(input.value.trim(), 4);
    input.removeAttribute('aria-invalid');
    return pin;
  } catch {
    input.setAttribute('aria-invalid', 'true');
    say('The PIN must be 4 digits.', 'error');
    input.focus();
    return null;
  }
}

function showPin(): void {
  if (current) permit = fetchPermit(current);
  byId<HTMLInputElement>('mpin-pin').value = '';
  show('pin');
}

/** Today's time permit: the first share from the RPS (every time), the second from the cloud D-TA (cached per day). */
async function fetchPermit(mpinId: string): Promise<Permit> {
  try {
    const local = await rps.timePermit(mpinId);
    const account = getAccount(mpinId);
    const cached = account?.timePermitCache?.date === local.date ? account.timePermitCache.timePermit : '';
    const cloudShare = cached || (await rps.cloudTimePermit(local));
    if (account && !cached)
      putAccount(mpinId, { ...account, timePermitCache: { date: local.date, timePermit: cloudShare } });
    return {
      ok: true,
      date: local.date,
      timePermit: mpin.recombineG1(fromHex(local.timePermit, 'timePermit'), fromHex(cloudShare, 'timePermit')),
    };
  } catch (error) {
    return { ok: false, error };
  }
}

function blocked(message: string): void {
  const el = byId('mpin-blocked-message');
  el.textContent = message;
  say(message, 'error');
  show('blocked');
}

async function signIn(): Promise<void> {
  const input = byId<HTMLInputElement>('mpin-pin');
  const pin = readPin(input);
  if (pin === null || !current) return;
  const mpinId = current;
  const userId = userIdOf(mpinId);
  const account: Account | undefined = getAccount(mpinId);
  if (!account || account.state !== 'REGISTERED') return home();
  say('Signing in…');

  let p = await (permit ?? fetchPermit(mpinId));
  if (!p.ok && isUnreachable(p.error)) p = await fetchPermit(mpinId);
  permit = null;
  if (!p.ok) {
    input.value = '';
    const status = statusOf(p.error);
    if (status === 401 || status === 403 || status === 410) {
      blocked(
        `Your M-Pin identity ${userId} has been revoked: this site no longer accepts it (error getting the time permit: ${status}).`,
      );
    } else {
      say(isUnreachable(p.error) ? UNREACHABLE : `Error getting the time permit: ${reasonOf(p.error)}.`, 'error');
      permit = fetchPermit(mpinId);
    }
    return;
  }

  const c1 = mpin.client1({
    mpinId: fromHex(mpinId),
    pin,
    token: fromHex(account.token, 'token'),
    date: p.date,
    timePermit: p.timePermit,
  });
  input.value = '';
  try {
    let authOTT: string;
    try {
      const { y } = await rps.pass1(mpinId, toHex(c1.u), toHex(c1.ut!));
      const v = mpin.client2(c1.x, fromHex(y, 'y'), c1.sec);
      authOTT = (await rps.pass2(mpinId, toHex(v), '0')).authOTT;
    } catch (e) {
      if (isUnreachable(e)) throw e;
      const pass = e instanceof RpsError && e.step === 'pass2' ? 'pass 2' : 'pass 1';
      return void say(`Sign-in failed at ${pass}: ${reasonOf(e)}`, 'error');
    }
    try {
      await rps.signInHere(authOTT);
      say(`Signed in as ${userId}.`, 'success');
      location.assign(root.dataset.mpinSuccessUrl ?? '/protected');
      return;
    } catch (e) {
      if (isUnreachable(e)) throw e;
      if (statusOf(e) === 410) {
        deleteAccount(mpinId);
        current = null;
        return blocked(`You have entered a wrong PIN too many times. Your M-Pin identity ${userId} has been revoked.`);
      }
      say(SIGN_IN_REFUSED[statusOf(e) ?? 0] ?? `Sign-in failed: ${reasonOf(e)}`, 'error');
    }
  } finally {
    c1.sec.fill(0);
    c1.x.fill(0);
  }
  permit = fetchPermit(mpinId);
  input.focus();
}

// ------------------------------------------------------------------ wiring
function wireKeypads(): void {
  for (const pad of root.querySelectorAll<HTMLElement>('[data-mpin-keypad]')) {
    const input = byId<HTMLInputElement>(pad.dataset.mpinKeypad!);
    pad.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest('button');
      if (!button || !pad.contains(button)) return;
      if (button.dataset.mpinDigit !== undefined) {
        if (input.value.length < 4) input.value += button.dataset.mpinDigit;
      } else if (button.dataset.mpinKey === 'clear') {
        input.value = '';
      } else if (button.dataset.mpinKey === 'back') {
        input.value = input.value.slice(0, -1);
      }
    });
  }
  // digits only in the PIN fields
  for (const id of ['mpin-pin', 'mpin-new-pin']) {
    const input = byId<HTMLInputElement>(id);
    input.addEventListener('input', () => {
      const digits = input.value.replace(/\D+/g, '').slice(0, 4);
      if (digits !== input.value) input.value = digits;
    });
  }
}

function wire(): void {
  byId('mpin-register-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void act(register);
  });
  byId('mpin-setup-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void act(setupPin);
  });
  byId('mpin-signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void act(signIn);
  });
  byId('mpin-confirmed').addEventListener('click', () => void act(confirmed));
  byId('mpin-resend').addEventListener('click', () => void act(resend));
  root.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLElement>('[data-mpin-action]');
    if (!button || busy) return;
    switch (button.dataset.mpinAction) {
      case 'register':
        say('');
        return showRegister();
      case 'identities':
        say('');
        return home();
      case 'cancel-registration':
        if (current && getAccount(current)?.state !== 'REGISTERED') deleteAccount(current);
        say('The registration was cancelled.');
        return home();
    }
  });
  wireKeypads();
}

async function start(): Promise<void> {
  wire();
  try {
    rps = await connectToRps();
  } catch (e) {
    say(`Could not load the M-Pin settings: ${reasonOf(e)}`, 'error');
    return;
  }
  const preferred = getPrefs().identity;
  const accounts = listAccounts();
  const last = accounts.find(([id]) => id === preferred);
  if (accounts.length === 1 && last && last[1].state === 'REGISTERED') {
    current = last[0];
    showPin();
  } else {
    home();
  }
  started = true;
}

void start();
