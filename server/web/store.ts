/**
 * The PIN pad's identities in the page's own localStorage, in the layout of Milagro's mpinjs library:
 * localStorage["mpinjs"] = {version:"4", accounts:{<mpinIdHex>:{regOTT, token, state, timePermitCache}}}
 * and the PIN pad's preferences localStorage["pinpad"] = {version:"4", identity:<mpinIdHex>, device:<name>}.
 * The token alone proves nothing: the PIN is never stored, and neither is the client secret.
 */

export type AccountState = 'INVALID' | 'STARTED' | 'ACTIVATED' | 'REGISTERED' | 'BLOCKED';

export interface Account {
  regOTT: string;
  /** TOKEN = CS − PIN·H(ID), hex; "" until the PIN is set. */
  token: string;
  state: AccountState;
  /** The second ("cloud") D-TA's time-permit share of one day. */
  timePermitCache?: { date: number; timePermit: string };
}

interface Accounts {
  version: '4';
  accounts: Record<string, Account>;
}

interface Prefs {
  version: '4';
  identity?: string;
  device?: string;
}

const ACCOUNTS_KEY = 'mpinjs';
const PREFS_KEY = 'pinpad';

function read<T>(key: string, empty: T): T {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return empty;
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as T) : empty;
  } catch {
    return empty;
  }
}

function load(): Accounts {
  const data = read<Accounts>(ACCOUNTS_KEY, { version: '4', accounts: {} });
  if (!data.accounts || typeof data.accounts !== 'object') data.accounts = {};
  data.version = '4';
  return data;
}

export function listAccounts(): [string, Account][] {
  return Object.entries(load().accounts).filter(
    ([id, a]) => /^(?:[0-9a-f]{2})+$/.test(id) && a && typeof a === 'object',
  );
}

export function getAccount(mpinId: string): Account | undefined {
  return load().accounts[mpinId];
}

export function putAccount(mpinId: string, account: Account): void {
  const data = load();
  data.accounts[mpinId] = account;
  localStorage.setItem(ACCOUNTS_KEY, JSON.stringify(data));
}

export function deleteAccount(mpinId: string): void {
  const data = load();
  delete data.accounts[mpinId];
  localStorage.setItem(ACCOUNTS_KEY, JSON.stringify(data));
  const prefs = getPrefs();
  if (prefs.identity === mpinId) setPrefs({ identity: undefined });
}

export function getPrefs(): Prefs {
  return read<Prefs>(PREFS_KEY, { version: '4' });
}

export function setPrefs(change: Partial<Omit<Prefs, 'version'>>): void {
  localStorage.setItem(PREFS_KEY, JSON.stringify({ ...getPrefs(), ...change, version: '4' }));
}
