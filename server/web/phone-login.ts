/**
 * "Sign in with Phone" (docs/protocol.md §6.5, PC side): get an access number, show it with a countdown of the
 * seconds left, and wait for the phone (waitForPhone: a long-poll of the RPS with the webOTT, answered as soon as the
 * number's state changes; every 3 s against a server that answers at once). It shows "Authenticating user …" once a
 * phone has proven who is signing in; when the phone has signed in, it hands the authOTT to the relying party
 * (/mpinAuthenticate) and opens the protected page; when the phone refused ("This wasn't me") or the number
 * expired, it stops and offers a new one. Every RPS call goes through the zod-checked client of lib/rps
 * (server/web/rps.ts).
 * Markup: server/rpa/phone-login.ts (GET /phone-login), documented in server/rpa/PINPAD.md.
 */
import './zod-jitless.ts';
import type { RpsClient } from '../../lib/rps/client.ts';
import { byId, sleep, statusLine } from './page.ts';
import { SIGN_IN_REFUSED, connectToRps, isUnreachable, reasonOf, statusOf } from './rps.ts';

/** How long the server may hold each poll (its maximum). */
const HOLD_SECONDS = 25;
/** A poll that came back sooner with nothing new was not held (Milagro's RPS): the next one waits this long. */
const POLL_MS = 3000;
/** When the RPS does not say how long a number lives (Milagro's own default is 300 s; this server's 99 s). */
const DEFAULT_TTL_SECONDS = 99;

const root = byId('mpin-phone-login');
const numberEl = byId<HTMLOutputElement>('access-number');
const countdownEl = byId('access-number-countdown');
const progressEl = byId<HTMLProgressElement>('access-number-progress');
const newButton = byId<HTMLButtonElement>('access-number-new');
const say = statusLine(byId('phone-login-status'));

type State = 'loading' | 'waiting' | 'user' | 'authenticating' | 'expired' | 'refused' | 'error' | 'done';
/** How the wait for the phone ended: signed in (with the authOTT), refused or expired, or replaced by a newer number. */
type Outcome =
  { kind: 'signed-in'; authOTT: string } | { kind: 'expired' } | { kind: 'refused' } | { kind: 'replaced' };

let rps: RpsClient;
/** Bumped for every new access number: the loops of an older one stop. */
let generation = 0;

function setState(state: State): void {
  root.dataset.mpinState = state;
  const offerNew = state === 'expired' || state === 'refused' || state === 'error';
  newButton.hidden = !offerNew;
  root.classList.toggle('is-dead', state === 'expired' || state === 'refused');
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
 * Waits for the number's state to change, poll after poll, until the phone has signed in, refused, the number has
 * expired (one last poll after its end, Milagro's lastRequestDelay), or a newer number replaced it. Each poll asks
 * the server to hold it until the state differs from the one seen; a poll that fails, or that a server answered at
 * once with nothing new, is followed by a pause.
 */
async function waitForPhone(webOTT: string, gen: number, end: number): Promise<Outcome> {
  let seen = 'new';
  let last = false;
  for (;;) {
    const asked = Date.now();
    const state = await rps.accessStatus(webOTT, { seconds: HOLD_SECONDS, status: seen }).catch(() => undefined);
    if (gen !== generation) return { kind: 'replaced' };
    if (state?.status === 'expired') return { kind: 'expired' };
    if (state?.status === 'refused') return { kind: 'refused' };
    if (state?.status === 'authenticate' && state.authOTT) return { kind: 'signed-in', authOTT: state.authOTT };
    if (state?.status === 'user' && state.userId && root.dataset.mpinState !== 'user') {
      setState('user');
      say(`Authenticating user ${state.userId} …`);
    }
    if (last) return { kind: 'expired' };
    if (Date.now() >= end) last = true;
    const news = state !== undefined && state.status !== seen;
    if (state) seen = state.status;
    if (!news && Date.now() - asked < POLL_MS) await sleep(POLL_MS);
    if (gen !== generation) return { kind: 'replaced' };
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

/** The number can no longer be used: its countdown shows 0. */
function stopCountdown(): void {
  countdownEl.textContent = '0';
  progressEl.value = 0;
}

function refused(): void {
  setState('refused');
  stopCountdown();
  say('The sign-in was refused on the phone.', 'error');
}

function expired(): void {
  setState('expired');
  stopCountdown();
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
  if (outcome.kind === 'refused') refused();
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
