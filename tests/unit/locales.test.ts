// @vitest-environment node
// The catalogues (locales/<lang>.yml) say the same things: every key of one language is in the other, with the same
// named values ({service}) and numbered substitutions ($1), and no message is empty. English is the template.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessagesText, type ParsedMessage } from '@wxt-dev/i18n/build';
import { describe, expect, it } from 'vitest';

const LOCALES = join(dirname(fileURLToPath(import.meta.url)), '../../locales');

/** Per key: its placeholders, named and numbered, as one sorted signature (and the message, to check it is there). */
function shape(yaml: string): Map<string, { placeholders: string; text: string }> {
  const shapes = new Map<string, { placeholders: string; text: string }>();
  for (const m of parseMessagesText(yaml, 'YAML') as ParsedMessage[]) {
    const key = m.key.join('.');
    if (key.startsWith('@@')) continue; // the browser's own, added by the parser
    const text = m.type === 'plural' ? Object.values(m.plurals).join('|') : m.message;
    shapes.set(key, { placeholders: [...m.namedSubstitutions].sort().join(',') + `|$${m.substitutions}`, text });
  }
  return shapes;
}

/** What differs between two catalogues, one line per difference (empty: they match). */
function differences(base: string, other: string): string[] {
  const [a, b] = [shape(base), shape(other)];
  const out: string[] = [];
  for (const [key, s] of a) {
    const t = b.get(key);
    if (!t) out.push(`${key}: missing`);
    else if (t.placeholders !== s.placeholders) out.push(`${key}: placeholders ${t.placeholders} ≠ ${s.placeholders}`);
  }
  for (const key of b.keys()) if (!a.has(key)) out.push(`${key}: not in the template`);
  for (const [key, s] of b) if (s.text.trim() === '') out.push(`${key}: empty`);
  return out;
}

const read = (lang: string) => readFileSync(join(LOCALES, `${lang}.yml`), 'utf8');
const languages = readdirSync(LOCALES)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => f.replace(/\.yml$/, ''));

describe('the catalogues', () => {
  it('are English and German', () => {
    expect(languages.sort()).toEqual(['de', 'en']);
  });

  it.each(languages.filter((l) => l !== 'en'))('%s has every English key, with the same values to fill in', (lang) => {
    expect(differences(read('en'), read(lang))).toEqual([]);
    expect(differences(read(lang), read('en'))).toEqual([]);
  });

  it('the check itself finds a missing key, an extra key and a different placeholder', () => {
    const en = 'a: Hello {name}\nb:\n  c: Bye\nd: $1 left\n';
    expect(differences(en, 'a: Hallo {name}\nb:\n  c: Tschüss\nd: $1 übrig\n')).toEqual([]);
    expect(differences(en, 'a: Hallo {name}\nd: $1 übrig\n')).toEqual(['b.c: missing']);
    expect(differences(en, 'a: Hallo {user}\nb:\n  c: Tschüss\nd: übrig\n')).toEqual([
      'a: placeholders user|$0 ≠ name|$0',
      'd: placeholders |$0 ≠ |$1',
    ]);
    expect(differences(en, 'a: Hallo {name}\nb:\n  c: Tschüss\n  e: mehr\nd: $1 übrig\n')).toEqual([
      'b.e: not in the template',
    ]);
    expect(differences(en, "a: Hallo {name}\nb:\n  c: ''\nd: $1 übrig\n")).toEqual(['b.c: empty']);
  });

  it('each names itself: its language code is the one the popup sets as the page language', () => {
    for (const lang of languages) expect(shape(read(lang)).get('lang')?.text).toBe(lang);
  });
});
