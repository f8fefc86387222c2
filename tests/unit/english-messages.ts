// Vitest setup (vitest.config.ts setupFiles): WXT's fake browser answers browser.i18n.getMessage from
// locales/en.yml, turned into messages.json by the same build step as the extension's _locales/en, so the
// component and content-script tests read the English words the user sees (the fake browser has no i18n).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateChromeMessages, parseMessagesText } from '@wxt-dev/i18n/build';
import { fakeBrowser } from 'wxt/testing/fake-browser';

const file = join(dirname(fileURLToPath(import.meta.url)), '../../locales/en.yml');
const messages = generateChromeMessages(parseMessagesText(readFileSync(file, 'utf8'), 'YAML'));

/** browser.i18n.getMessage: the message, with $1…$9 replaced by the substitutions and $$ read as $; "" if none. */
function getMessage(name: string, substitutions?: string | string[]): string {
  if (name === '@@ui_locale') return 'en';
  const message = messages[name]?.message;
  if (message === undefined) return '';
  const subs = substitutions === undefined ? [] : [substitutions].flat();
  return message.replace(/\$(\$|[1-9])/g, (_, what: string) => (what === '$' ? '$' : (subs[Number(what) - 1] ?? '')));
}

Object.assign(fakeBrowser.i18n, { getMessage, getUILanguage: () => 'en' });
