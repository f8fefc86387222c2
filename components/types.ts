// Types shared by the popup's screen components: each screen gets its slice of UiState, a way to send an intent,
// and whether a request is in flight (buttons are disabled meanwhile).
import type { Intent, Screen, UiState } from '@/lib/ui-state';

/** The UiState of one screen. */
export type StateOf<S extends Screen> = Extract<UiState, { screen: S }>;

/** Sends one intent to the background; the popup keeps nothing of it afterwards. */
export type Send = (intent: Intent) => void;

export interface ScreenProps<S extends Screen> {
  state: StateOf<S>;
  send: Send;
  busy: boolean;
}
