/**
 * "Sign in with Phone" (docs/protocol.md §6.5, PC side): get an access number, show it with a countdown of the
 * seconds left, and wait for the phone (waitForPhone: it polls the RPS every 3 s with the webOTT); when the phone has
 * signed in, hand the authOTT to the relying party (/mpinAuthenticate) and open the protected page; when the number
 * expires, offer a new one. Every RPS call goes through the zod-checked client of lib/rps (server/web/rps.ts).
 * Markup: server/rpa/phone-login.ts (GET /phone-login), documented in server/rpa/PINPAD.md.
 */
import './zod-jitless.ts';
import type { RpsClient } from '../../lib/rps/client.ts';
import { byId, sleep, statusLine } from './page.ts';
import { SIGN_IN_REFUSED, connectToRps, isUnreachable, reasonOf, statusOf } from './rps.ts';

const POLL_MS = 3000;
/** When the RPS does not say how long a number lives (Milagro's own default is 300 s; this server's 99 s). */
const DEFAULT_TTL_SECONDS = 99;

const root = byId('mpin-phone-login');
const numberEl = byId<HTMLOutputElement>('access-number');
const countdownEl = byId('access-number-countdown');
const progressEl = byId<HTMLProgressElement>('access-number-progress');
const newButton = byId<HTMLButtonElement>('access-number-new');
const say = statusLine(byId('phone-login-status'));

type State = 'loading' | 'waiting' | 'user' | 'authenticating' | 'expired' | 'error' | 'done';
/** How the wait for the phone ended: signed in (with the authOTT), expired, or replaced by a newer number. */
type Outcome = { kind: 'signed-in'; authOTT: string } | { kind: 'expired' } | { kind: 'replaced' };

let rps: RpsClient;
/** Bumped for every new access number: the loops of an older one stop. */
let generation = 0;

function setState(state: State): void {
  root.dataset.mpinState = state;
  const offerNew = state === 'expired' || state === 'error';
  newButton.hidden = !offerNew;
  root.classList.toggle('is-expired', state === 'expired');
  if (offerNew) newButton.focus();
}

function fail(message: string): void {
  setState('error');
  say(message, 'error');
}

/** Counts the seconds left down to 0 on the page, while the number `gen` is the current one and not `finished`. */
function startCountdown(gen: number, end: number, finished: () => boolean): void {
  let warned = false;
  const tick = () => {
    if (gen !== generation || finished()) return;
    const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    countdownEl.textContent = String(left);
    progressEl.value = left;
    if (left <= 15 && left > 0 && !warned) {
      warned = true;
      say(`${left} seconds left.`);
    }
    if (left > 0) setTimeout(tick, Math.min(1000, end - Date.now() - (left - 1) * 1000 + 10));
  };
  tick();
}

/**
 * Polls the state of the number until the phone has signed in, the number has expired (one last poll after its
 * end, Milagro's lastRequestDelay), or a newer number replaced it. A poll that fails is tried again at the next round.
 */
async function waitForPhone(webOTT: string, gen: number, end: number): Promise<Outcome> {
  let last = false;
  for (;;) {
    await sleep(POLL_MS);
    if (gen !== generation) return { kind: 'replaced' };
    const state = await rps.accessStatus(webOTT).catch(() => undefined);
    if (gen !== generation) return { kind: 'replaced' };
    if (state?.status === 'expired') return { kind: 'expired' };
    if (state?.status === 'authenticate' && state.authOTT) return { kind: 'signed-in', authOTT: state.authOTT };
    if (state?.status === 'user' && state.userId && root.dataset.mpinState !== 'user') {
      setState('user');
      say(`Authenticating user: ${state.userId}`);
    }
    if (last) return { kind: 'expired' };
    if (Date.now() >= end) last = true;
  }
}

/** The phone has signed in: the relying party opens this browser's session with the authOTT. */
async function finish(authOTT: string, gen: number): Promise<void> {
  setState('authenticating');
  say('Your phone has signed you in. Opening the protected page…');
  try {
    await rps.signInHere(authOTT);
  } catch (e) {
    if (gen === generation) fail(`Sign-in failed: ${SIGN_IN_REFUSED[statusOf(e) ?? 0] ?? reasonOf(e)}`);
    return;
  }
  if (gen !== generation) return;
  setState('done');
  location.assign(root.dataset.mpinSuccessUrl ?? '/protected');
}

function expired(): void {
  setState('expired');
  countdownEl.textContent = '0';
  progressEl.value = 0;
  say('The access number has expired.', 'error');
}

async function run(): Promise<void> {
  const gen = ++generation;
  setState('loading');
  numberEl.textContent = '…';
  say('Getting an access number…');
  let answer;
  try {
    answer = await rps.getAccessNumber();
  } catch (e) {
    if (gen === generation) fail(isUnreachable(e) ? reasonOf(e) : `Could not get an access number: ${reasonOf(e)}`);
    return;
  }
  if (gen !== generation) return;
  const { accessNumber, webOTT } = answer;
  const ttl = answer.ttlSeconds ?? rps.settings.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const end = Date.now() + ttl * 1000;
  numberEl.textContent = accessNumber;
  numberEl.value = accessNumber;
  progressEl.max = ttl;
  setState('waiting');
  say(`Your access number is ${accessNumber.split('').join(' ')}. It expires in ${ttl} seconds.`);

  let done = false;
  startCountdown(gen, end, () => done);
  const outcome = await waitForPhone(webOTT, gen, end);
  done = true;
  if (outcome.kind === 'expired') expired();
  if (outcome.kind === 'signed-in') await finish(outcome.authOTT, gen);
}

async function start(): Promise<void> {
  newButton.addEventListener('click', () => void run());
  try {
    rps = await connectToRps();
  } catch (e) {
    fail(`Could not load the M-Pin settings: ${reasonOf(e)}`);
    newButton.hidden = true;
    return;
  }
  await run();
}

void start();
