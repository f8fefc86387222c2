// Fixtures for the popup's component tests: UiStates that pass UiState.parse, and a fake background that answers
// the popup in sendResponse style (WXT's fakeBrowser.runtime.sendMessage only relays replies given through sendResponse).
import { expect } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import App from '@/entrypoints/popup/App.svelte';
import { UiState, type IdentitySummary, type Intent, type ServiceInfo } from '@/lib/ui-state';

export const service: ServiceInfo = { origin: 'http://localhost:8080', name: 'localhost:8080' };

export const identity: IdentitySummary = {
  id: 'id-1',
  userId: 'alice@example.com',
  deviceName: 'Firefox on Linux',
  service,
  state: 'registered',
};

export const other: IdentitySummary = {
  id: 'id-2',
  userId: 'bob@example.org',
  deviceName: 'Chrome on Linux',
  service: { origin: 'https://rp.example', name: 'rp.example' },
  state: 'registered',
};

type Of<S extends UiState['screen']> = Extract<UiState, { screen: S }>;

/** A state of the given screen, checked against the contract. */
export function ui<S extends UiState['screen']>(state: Of<S>): Of<S> {
  return UiState.parse(state) as Of<S>;
}

export const states = {
  addService: ui({ screen: 'add-service' }),
  register: ui({
    screen: 'register',
    service,
    setDeviceName: true,
    deviceNameSuggestion: 'Firefox on Linux',
    email: '',
    secondDta: 'dta.example.org',
    services: [{ ...service, setDeviceName: true, secondDta: 'dta.example.org' }],
  }),
  emailSent: ui({ screen: 'email-sent', identity: { ...identity, state: 'started' }, resent: false }),
  setupPin: ui({ screen: 'setup-pin', identity: { ...identity, state: 'activated' } }),
  home: ui({ screen: 'home', identity, identityCount: 1 }),
  accessNumber: ui({ screen: 'access-number', identity, digits: 7, useCheckSum: true }),
  wrongAccessNumber: ui({
    screen: 'wrong-access-number',
    identity,
    problem: { code: 'unknown-access-number', retry: false },
  }),
  pinRemote: ui({ screen: 'pin', identity, purpose: 'remote', accessNumber: '1234560', target: service }),
  wrongPin: ui({ screen: 'wrong-pin', identity }),
  blocked: ui({ screen: 'blocked', userId: identity.userId, service }),
  success: ui({
    screen: 'success',
    userId: identity.userId,
    service,
    purpose: 'remote',
    canSignOut: true,
    signedOut: false,
  }),
  menu: ui({ screen: 'menu', identities: [identity, other], selectedId: identity.id }),
  manage: ui({ screen: 'manage', identity }),
  confirmReset: ui({ screen: 'confirm-reset', identity }),
  confirmRemove: ui({ screen: 'confirm-remove', identity }),
} as const;

/** A valid 7-digit access number (weighted mod-11 check digit 0) and the same with a wrong check digit. */
export const GOOD_ACCESS_NUMBER = '1234560';
export const BAD_ACCESS_NUMBER = '1234561';

export interface FakeBackground {
  /** Every message the popup sent, in order. */
  received: unknown[];
  /** The intents among them. */
  intents(): Intent[];
}

/**
 * Answers getState with `initial` and each intent with `next(intent)` (default: `initial` again). `reply` may
 * return anything, to test malformed answers.
 */
export function fakeBackground(initial: unknown, next: (intent: Intent) => unknown = () => initial): FakeBackground {
  const received: unknown[] = [];
  fakeBrowser.runtime.onMessage.addListener((message, _sender, sendResponse) => {
    received.push(structuredClone(message));
    const m = message as { type: string; intent?: Intent };
    sendResponse(m.type === 'intent' && m.intent ? next(m.intent) : initial);
    return true;
  });
  return {
    received,
    intents: () =>
      received.flatMap((m) => ((m as { type: string }).type === 'intent' ? [(m as { intent: Intent }).intent] : [])),
  };
}

/** The popup on a fake background (see fakeBackground), once its first state is rendered. */
export async function openPopup(initial: unknown, next?: (intent: Intent) => unknown): Promise<FakeBackground> {
  const bg = fakeBackground(initial, next);
  render(App);
  await waitFor(() => expect(screen.queryByText(/Connecting to the extension/)).toBeNull());
  return bg;
}
