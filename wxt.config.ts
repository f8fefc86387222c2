// WXT build configuration: modules (Svelte, the polyfill, i18n: locales/<lang>.yml become _locales/<lang>/messages.json),
// the manifest for Chrome MV3 and Firefox, what the sources zip leaves out, and one build step that takes zod's eval
// probe out of the bundles.
import type { Plugin } from 'vite';
import { defineConfig } from 'wxt';

// R14 (docs/security-rules.md): only the extension's own scripts, no eval, no remote code.
/** Host access the user may grant per service (never requested up front). */
const OPTIONAL_HOSTS = ['http://*/*', 'https://*/*'];
const EXTENSION_PAGES_CSP = "script-src 'self'; object-src 'self'";

/**
 * zod 4 asks once whether it may compile parsers with `new Function` by running `new Function("")` (its `allowsEval`
 * in zod/v4/core/util.js). Every entrypoint sets `jitless` first (lib/zod-jitless.ts), so the probe never runs; but
 * its code is still in the bundle, where the minifier turns it into `Function("")` and web-ext lint reports it as
 * DANGEROUS_EVAL. This replaces the probe with its jitless answer, "no eval", so that no eval is left to review; it
 * stops the build if a zod update changes the code it expects, rather than silently letting the probe back in.
 */
function zodWithoutEvalProbe(): Plugin {
  const probe =
    /try\s*\{\s*const F = Function;\s*new F\(""\);\s*return true;\s*\}\s*catch\s*\(_\)\s*\{\s*return false;\s*\}/;
  return {
    name: 'mpin:zod-without-eval-probe',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]zod[\\/]v4[\\/]core[\\/]util\.js$/.test(id.split('?')[0]!)) return null;
      if (!probe.test(code))
        this.error('zod/v4/core/util.js: the eval probe (allowsEval) is not where it was; check it');
      return { code: code.replace(probe, 'return false;'), map: null };
    },
  };
}

export default defineConfig({
  modules: ['@wxt-dev/module-svelte', '@wxt-dev/webextension-polyfill', '@wxt-dev/i18n/module'],
  vite: () => ({ plugins: [zodWithoutEvalProbe()] }),
  // The Firefox sources zip (for AMO review) does not read .gitignore. It keeps public/ (the
  // icons are needed to rebuild); test screenshots live under tests/ and the README's under docs/screenshots/, the
  // server is not part of the extension.
  zip: {
    excludeSources: [
      'tests/**',
      'bench/**',
      'server/**',
      'scratch/**',
      'logs/**',
      'coverage/**',
      'docs/screenshots/**',
    ],
  },
  // Function form, so that only the Firefox manifest gets browser_specific_settings.
  manifest: ({ browser, manifestVersion }) => ({
    // The words are in locales/<lang>.yml (English is the default; the browser's language picks the others).
    default_locale: 'en',
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    // R15: storage (identities, flow), scripting (the PIN pad content script, registered at runtime for the origins of
    // added services; the PIN pad detector on the active tab), activeTab (that detector, on the user's click only),
    // alarms (R23: wipes expired secrets and flows at their expiry, even if nobody opens the extension).
    // Host access is optional and requested per service when the user adds it. No tabs, no <all_urls>.
    permissions: ['storage', 'scripting', 'activeTab', 'alarms'],
    // MV3 (Chrome, Firefox --mv3): optional_host_permissions; MV2 (Firefox's default build): optional_permissions.
    ...(manifestVersion === 2
      ? { optional_permissions: OPTIONAL_HOSTS }
      : { optional_host_permissions: OPTIONAL_HOSTS }),
    content_security_policy: { extension_pages: EXTENSION_PAGES_CSP }, // WXT turns this into a string for MV2
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'mpin-authenticator@mpin.invalid',
              strict_min_version: '142.0', // data_collection_permissions needs Firefox 140 desktop, 142 Android
              // What leaves the browser, and only to the services the user adds: the e-mail address (registration)
              // and authentication data (M-Pin's passes, one-time tokens, sign-out data). Nothing goes to us.
              data_collection_permissions: { required: ['personallyIdentifyingInfo', 'authenticationInfo'] },
            },
          },
        }
      : {}),
  }),
});
