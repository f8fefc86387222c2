// Fixture markup for the PIN pad adapters (lib/pinpad/): the demo site's pad as server/rpa/PINPAD.md documents
// it, and Milagro's PIN pad as browser/js/mpin.js (apache/incubator-milagro-mfa-js-client) renders it into the
// page's `#pinHolder`. Written from the documented ids and classes; the real demo pages are checked as well
// (pinpad-real-pages.test.ts), so drift between PINPAD.md and the server is caught.

export const DEMO_PINPAD = `
<section id="mpin-pinpad" class="mpin-pinpad" data-mpin-pinpad data-mpin-client-settings="/rps/clientSettings"
         data-mpin-authenticate-url="/mpinAuthenticate" data-mpin-success-url="/protected" data-mpin-state="pin">
  <p id="mpin-status" role="status" aria-live="polite" data-kind="info"></p>
  <div data-mpin-view="loading" hidden>Loading</div>
  <form id="mpin-signin-form" data-mpin-view="pin"><input id="mpin-pin" inputmode="numeric">
    <div data-mpin-keypad="mpin-pin" aria-hidden="true"><button type="button" tabindex="-1" data-mpin-digit="1">1</button></div>
    <button id="mpin-signin-submit">Sign in</button></form>
  <a id="mpin-setup-phone" href="/setup-phone">Setup your phone</a>
  <a id="mpin-phone-login" href="/phone-login">Sign in with Phone</a>
</section>`;

export const DEMO_PHONE_LOGIN = `
<section id="mpin-phone-login" data-mpin-phone-login data-mpin-client-settings="/rps/clientSettings"
         data-mpin-authenticate-url="/mpinAuthenticate" data-mpin-success-url="/protected" data-mpin-state="waiting">
  <output id="access-number" data-mpin-access-number>4241703</output>
  <span id="access-number-countdown" data-mpin-countdown>97</span>
  <p id="phone-login-status" role="status" aria-live="polite"></p>
</section>`;

/** What the host page writes before mpin.js runs: an empty target. */
export const MILAGRO_EMPTY_HOLDER = `<div id="pinHolder"></div>`;

/** The widget after mpin.js setupHtml + renderLogin: target classed mpinMaster, #mpinMiracle, the login pad. */
export const MILAGRO_LOGIN = `
<div id="pinHolder" class="mpinMaster">
  <div id="mpinMiracle">
    <div id="mpinUser" class="mpinIdentityGradient"><span id="mpinCurrentIden" title="alice@example.com">alice@example.com</span>
      <div id="mpin_arrow"></div></div>
    <div id="mpin_pinpad">
      <div id="mpin_input_parent"><div id="mpin_inner_text">Enter your PIN</div>
        <div id="mpin_input_circle" class="mpHide"><div id="mpin_circle_0"></div><div id="mpin_circle_1"></div></div></div>
      <button class="mpinPadBtn" data-value="1">1</button><button class="mpinPadBtn" data-value="2">2</button>
      <button class="mpinPadBtn" data-value="0">0</button>
      <button id="mpin_clear" class="mpinPadBtn2 mpinBtnDisabled" disabled>Clear</button>
      <button id="mpin_login" class="mpinPadBtn2 mpinBtnDisabled" disabled>Login</button>
    </div>
  </div>
</div>
<div id="mpinHelpTag"></div>`;

/** The same pad where the target has another id and mpin.js did not get to add its root (a themed copy). */
export const MILAGRO_PAD_WITHOUT_ROOT = `
<div id="login-box" class="mpinMaster"><div id="mpin_pinpad"><button class="mpinPadBtn">1</button></div></div>`;

/** The older CertiVox front end (mpin-frontend browser/src/templates/login.html). */
export const MILAGRO_LEGACY = `
<div id="pinsHolder"><div id="inputContainer"><input id="pinpad-input" type="text" readonly></div>
  <div class="pre-row"><div class="row"><div class="btn mp_pindigit" data-value="1"><span class="label">1</span></div></div></div>
  <div class="btn" id="mpinLogin" data-value="go"><span class="label">Login</span></div></div>`;

/** Pages that are not PIN pads. */
export const NOT_PINPADS: Record<string, string> = {
  'a plain page': '<main><h1>Hello</h1><p>Nothing to see.</p></main>',
  'a login form': '<form><input type="password" name="pin"><button>Log in</button></form>',
  'the protected page': '<section id="protected" data-mpin-signed-in><p id="signed-in-user">a@b.c</p></section>',
  'an empty Milagro target': MILAGRO_EMPTY_HOLDER,
  'look-alike classes only': '<div class="mpin-pinpad pinpad"><div class="mpinPad"></div></div>',
};
