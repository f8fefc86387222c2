// WXT build configuration: modules, the manifest for Chrome MV3 and Firefox, and what the sources zip leaves out.
import { defineConfig } from 'wxt';

// R14 (docs/security.md): only the extension's own scripts, no eval, no remote code.
const EXTENSION_PAGES_CSP = "script-src 'self'; object-src 'self'";

export default defineConfig({
  modules: ['@wxt-dev/module-svelte', '@wxt-dev/webextension-polyfill'],
  // The Firefox sources zip (for AMO review) is not .gitignore-aware (toolchain.md §10.11). It keeps public/ (the
  // icons are needed to rebuild); test screenshots live under tests/, the server is not part of the extension.
  zip: { excludeSources: ['tests/**', 'bench/**', 'server/**', 'scratch/**', 'logs/**', 'coverage/**'] },
  // Function form, so that only the Firefox manifest gets browser_specific_settings (toolchain.md §10.8).
  manifest: ({ browser }) => ({
    name: 'M-Pin Authenticator',
    description: 'Sign in with M-Pin: holds your M-Pin identities and signs you in on M-Pin sites.',
    // R15: storage only for now. Optional host permissions, scripting and activeTab come with the features that use them.
    permissions: ['storage'],
    content_security_policy: { extension_pages: EXTENSION_PAGES_CSP }, // WXT turns this into a string for MV2
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'mpin-authenticator@mpin.invalid',
              strict_min_version: '142.0', // data_collection_permissions needs Firefox 140 desktop, 142 Android
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
