/**
 * "Sign in with Phone" (docs/protocol.md §6.5, PC side): get an access number, show it with a countdown of
 * the seconds left, poll the RPS every 3 s with the webOTT; when the phone has signed in, hand the authOTT to
 * the relying party (/mpinAuthenticate) and open the protected page; when the number expires, offer a new one.
 * Markup: server/rpa/site.ts (GET /phone-login), documented in server/rpa/PINPAD.md.
 */
import {
  type ClientSettings,
  NetworkError,
  byId,
  loadClientSettings,
  messageOf,
  requestJson,
  resolveUrl,
  sleep,
} from './http.ts';

const POLL_MS = 3000;

const root = byId('mpin-phone-login');
const numberEl = byId<HTMLOutputElement>('access-number');
const countdownEl = byId('access-number-countdown');
const progressEl = byId<HTMLProgressElement>('access-number-progress');
const statusEl = byId('phone-login-status');
const newButton = byId<HTMLButtonElement>('access-number-new');

type State = 'loading' | 'waiting' | 'user' | 'authenticating' | 'expired' | 'error' | 'done';

let settings: ClientSettings;
/** Bumped for every new access number: the loops of an older one stop. */
let generation = 0;

function say(message: string, kind: 'info' | 'error' | 'success' = 'info'): void {
  statusEl.textContent = message;
  statusEl.dataset.kind = kind;
}

function setState(state: State): void {
  root.dataset.mpinState = state;
  const offerNew = state === 'expired' || state === 'error';
  newButton.hidden = !offerNew;
  root.classList.toggle('is-expired', state === 'expired');
  if (offerNew) newButton.focus();
}

interface AccessAnswer {
  status?: string;
  statusCode?: number;
  userId?: string;
  authOTT?: string;
}

async function poll(webOTT: string): Promise<AccessAnswer | 'expired' | null> {
  const url = resolveUrl(settings.accessNumberURL ?? '/rps/access');
  const answer = await requestJson<AccessAnswer>('POST', url, { webOTT });
  if (answer.status === 200) {
    // v1 (/rps/accessnumber) answers {authOTT} once the phone has signed in
    if (!answer.data.status && answer.data.authOTT) return { status: 'authenticate', authOTT: answer.data.authOTT };
    return answer.data;
  }
  if (answer.status === 404 || answer.status === 410) return 'expired';
  return null; // v1: 401 while pending; anything else: try again
}

async function finish(authOTT: string, gen: number): Promise<void> {
  setState('authenticating');
  say('Your phone has signed you in. Opening the protected page…');
  const answer = await requestJson(
    'POST',
    resolveUrl(root.dataset.mpinAuthenticateUrl ?? settings.authenticateURL ?? '/mpinAuthenticate'),
    { mpinResponse: { authOTT } },
  );
  if (gen !== generation) return;
  if (answer.status === 200) {
    setState('done');
    location.assign(root.dataset.mpinSuccessUrl ?? '/protected');
    return;
  }
  const reason: Record<number, string> = {
    401: 'Incorrect PIN!',
    403: 'You are not authorized!',
    408: 'The auth request expired!',
    410: 'This M-Pin identity has been blocked.',
  };
  setState('error');
  say(`Sign-in failed: ${reason[answer.status] ?? messageOf(answer, `error ${answer.status}`)}`, 'error');
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
    answer = await requestJson<{ accessNumber: string; webOTT: string; ttlSeconds: number }>(
      'POST',
      resolveUrl(settings.getAccessNumberURL ?? '/rps/getAccessNumber'),
    );
  } catch (e) {
    setState('error');
    say((e as Error).message, 'error');
    return;
  }
  if (gen !== generation) return;
  if (answer.status !== 200 || typeof answer.data.accessNumber !== 'string' || typeof answer.data.webOTT !== 'string') {
    setState('error');
    say(`Could not get an access number: ${messageOf(answer, `error ${answer.status}`)}`, 'error');
    return;
  }
  const { accessNumber, webOTT } = answer.data;
  const ttl = Number(answer.data.ttlSeconds) > 0 ? Number(answer.data.ttlSeconds) : 99;
  const end = Date.now() + ttl * 1000;
  numberEl.textContent = accessNumber;
  numberEl.value = accessNumber;
  progressEl.max = ttl;
  setState('waiting');
  say(`Your access number is ${accessNumber.split('').join(' ')}. It expires in ${ttl} seconds.`);

  let done = false;
  let warned = false;
  const tick = () => {
    if (gen !== generation || done) return;
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

  // poll every 3 s until the number is used or expired, then one last poll after it ran out (lastRequestDelay)
  let last = false;
  while (gen === generation) {
    await sleep(POLL_MS);
    if (gen !== generation) return;
    let result: AccessAnswer | 'expired' | null;
    try {
      result = await poll(webOTT);
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e;
      result = null;
    }
    if (gen !== generation) return;
    if (result === 'expired' || result?.status === 'expired') break;
    if (result?.status === 'authenticate' && result.authOTT) {
      done = true;
      await finish(result.authOTT, gen);
      return;
    }
    if (result?.status === 'user' && result.userId && root.dataset.mpinState !== 'user') {
      setState('user');
      say(`Authenticating user: ${result.userId}`);
    }
    if (last) break;
    if (Date.now() >= end) last = true;
  }
  if (gen !== generation) return;
  done = true;
  expired();
}

async function start(): Promise<void> {
  newButton.addEventListener('click', () => void run());
  try {
    settings = await loadClientSettings(root.dataset.mpinClientSettings ?? '/rps/clientSettings');
  } catch (e) {
    setState('error');
    say((e as Error).message, 'error');
    newButton.hidden = true;
    return;
  }
  await run();
}

void start();
