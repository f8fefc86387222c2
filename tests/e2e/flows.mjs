// The M-Pin guide's steps, written once for every browser. A Guide is one run: the real server, the phone (the
// browser with the extension) and the PC (the same browser without it), from browsers.mjs, and an AxeLedger into
// which every popup screen the steps reach is checked. The test files build one Guide per browser and walk the
// flows with these steps; each screen is waited for by its words and checked with axe before the flow goes on.
import assert from 'node:assert/strict';
import { AxeLedger } from './axe.mjs';
import { activateOnPc, click, fill, pcAccessNumber, realClick, startGuideServer, waitForText } from './guide.mjs';
import { launchPhone, launchPlainBrowser } from './browsers.mjs';
import { screenshot, shownText } from './helpers.mjs';

/** A string as a case-sensitive pattern of itself. */
export const literally = (s) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** The words that tell each popup screen (docs/extension.md, "State and intents"). */
export const SCREENS = {
  'add-service': /Add service/,
  register: /Setup M-Pin/,
  'email-sent': /I confirmed my email/,
  'setup-pin': /SETUP/,
  home: /Sign in with this M-Pin/,
  'access-number': /Enter the access number/,
  pin: /Enter your PIN/,
  'wrong-access-number': /Wrong access number/,
  'wrong-pin': /Incorrect PIN!/,
  blocked: /has been removed from this device/,
  success: /signed in as/,
  'signed-out': /Signed out\./,
  menu: /Add new identity/,
  manage: /Manage identity/,
  'confirm-reset': /Yes, Reactivate it/,
  'confirm-remove': /Yes, Remove it/,
};

export class Guide {
  /** The PC was started by this run (not borrowed from another), so stop() closes it. */
  #ownsPc = false;

  /** `kind`: 'chromium' or 'firefox', the browser of both the phone and the PC; `ledger`: shared with another run. */
  constructor(kind, ledger = new AxeLedger()) {
    this.kind = kind;
    this.ledger = ledger;
  }

  /**
   * Starts the server (with `serverEnv`), the phone and the PC: a new one when `pc` is true, none when it is false,
   * or another run's (its `pc`), which stop() leaves open.
   */
  async start({ serverEnv = {}, pc = true } = {}) {
    this.server = await startGuideServer(serverEnv);
    this.phone = await launchPhone(this.kind);
    this.#ownsPc = pc === true;
    this.pc = pc === true ? await launchPlainBrowser(this.kind) : pc || undefined;
    return this;
  }

  async stop() {
    if (this.#ownsPc) await this.pc?.close();
    await this.phone?.close();
    await this.server?.stop();
  }

  get base() {
    return this.server.publicUrl;
  }

  openPopup() {
    return this.phone.openPopup();
  }

  /** Saves a screenshot of the page (the popup's whole tab by default) under the run's name for `name`. */
  shot(page, name, selector = 'body') {
    return screenshot(page, this.phone.shotName(name), selector);
  }

  /**
   * Waits until the popup shows `screen` (its words in SCREENS, or `pattern`) and is no longer busy, then checks it
   * with axe as "popup: <label>" (`label` defaults to the screen) and, with `shot`, saves a screenshot.
   */
  async at(popup, screen, { pattern = SCREENS[screen], label = screen, shot } = {}) {
    await waitForText(popup, pattern);
    await popup.waitForSelector('main[aria-busy="false"]', { timeout: 20_000 });
    await this.ledger.check(popup, `popup: ${label}`);
    if (shot) await this.shot(popup, shot);
  }

  /** The popup's text, whitespace folded. */
  shown(popup) {
    return shownText(popup);
  }

  /** Add service: the service's URL typed, "Add service" clicked with the real mouse; ends on the register screen. */
  async addService(popup, url = this.base, shots = false) {
    await this.at(popup, 'add-service', { shot: shots && 'popup-add-service.png' });
    await fill(popup, /url|address of the service|service/, url);
    await realClick(popup, 'Add service');
    await this.at(popup, 'register', { shot: shots && 'popup-register.png' });
  }

  /** Setup M-Pin: the e-mail (and the device name, when given); ends on the e-mail-sent screen. */
  async submitRegistration(popup, email, deviceName, shots = false) {
    await fill(popup, /e-?mail/, email);
    if (deviceName) await fill(popup, /device/, deviceName);
    await click(popup, 'Setup M-Pin');
    await this.at(popup, 'email-sent', { shot: shots && 'popup-email-sent.png' });
  }

  /** The PC confirms the newest activation link mailed to `email` (not one in `seen`). */
  activate(email, { shot = false, seen = [] } = {}) {
    const onConfirmed = shot ? (page) => this.shot(page, 'pc-activation-confirmed.png') : undefined;
    return activateOnPc(this.pc.browser, this.base, email, onConfirmed, seen);
  }

  /** "I confirmed my email" once the link is used, the PIN and "SETUP"; ends home, showing `email`. */
  async confirmAndSetPin(popup, email, pin, shots = false) {
    await click(popup, 'I confirmed my email');
    await this.at(popup, 'setup-pin', { shot: shots && 'popup-setup-pin.png' });
    await popup.keyboard.type(pin);
    await click(popup, 'SETUP');
    await this.at(popup, 'home', { shot: shots && 'popup-home.png' });
    assert.match(await this.shown(popup), literally(email));
  }

  /** From the e-mail-sent screen: activation on the PC, then the PIN; ends home. */
  async finishRegistration(popup, email, pin, activation = {}) {
    await this.activate(email, activation);
    await this.confirmAndSetPin(popup, email, pin);
  }

  /** A phone's first registration on this run's service: a new popup that ends home. */
  async registerFirst(email, pin) {
    const popup = await this.openPopup();
    await this.addService(popup, this.base);
    await this.submitRegistration(popup, email);
    await this.finishRegistration(popup, email, pin);
    return popup;
  }

  /** The PC's "Sign in with Phone" page and its access number. */
  pcAccessNumber() {
    return pcAccessNumber(this.pc.browser, this.base);
  }

  /** From home: "Sign in with this M-Pin", the access number typed, "Next"; ends on the PIN screen. */
  async accessNumberToPin(popup, accessNumber, shots = false) {
    await click(popup, 'Sign in with this M-Pin');
    await this.at(popup, 'access-number', { shot: shots && 'popup-access-number.png' });
    await popup.keyboard.type(accessNumber);
    await click(popup, 'Next');
    await this.at(popup, 'pin', { shot: shots && 'popup-pin.png' });
  }

  /** The PIN and "Login"; the phone shows the success and the PC lands on the protected page as `email`. */
  async loginAndLand(popup, pcPage, pin, email, shots = false) {
    await popup.keyboard.type(pin);
    await click(popup, 'Login');
    await this.at(popup, 'success', { shot: shots && 'popup-success.png' });
    await pcPage.waitForFunction(() => location.pathname === '/protected', { timeout: 20_000 });
    await waitForText(pcPage, literally(email));
  }

  /** A whole remote sign-in from home, checking the PIN screen names `email`; back home ("Start Over") after it. */
  async remoteSignIn(popup, pin, email) {
    const { page: pcPage, accessNumber } = await this.pcAccessNumber();
    await this.accessNumberToPin(popup, accessNumber);
    assert.match(await this.shown(popup), literally(email));
    await this.loginAndLand(popup, pcPage, pin, email);
    await pcPage.close();
    await click(popup, 'Start Over');
    await this.at(popup, 'home');
  }
}
