// Bold values inside a translated sentence (components/emphasis.ts, Emphasis.svelte): the sentence is cut around
// the values wherever the translation put them, and everything stays text.
import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Emphasis from '@/components/Emphasis.svelte';
import { splitAround } from '@/components/emphasis';

describe('splitAround', () => {
  it('cuts the sentence around each value, wherever it stands', () => {
    expect(splitAround('Remove a@b.c from rp.test?', ['a@b.c'])).toEqual([
      { text: 'Remove ', strong: false },
      { text: 'a@b.c', strong: true },
      { text: ' from rp.test?', strong: false },
    ]);
    expect(splitAround('a@b.c von diesem Gerät entfernen?', ['a@b.c'])).toEqual([
      { text: 'a@b.c', strong: true },
      { text: ' von diesem Gerät entfernen?', strong: false },
    ]);
  });

  it('prefers the longer value where two start at the same place, and ignores empty ones', () => {
    expect(splitAround('at rp.test.example', ['rp.test', 'rp.test.example', ''])).toEqual([
      { text: 'at ', strong: false },
      { text: 'rp.test.example', strong: true },
    ]);
    expect(splitAround('nothing to mark', [''])).toEqual([{ text: 'nothing to mark', strong: false }]);
  });
});

describe('Emphasis', () => {
  it('renders the value in <strong> and markup in a value as text', () => {
    const user = '<img src=x onerror=alert(1)>@b.c';
    const { container } = render(Emphasis, { text: `We sent an e-mail to ${user}.`, strong: [user] });
    expect(container.querySelector('strong')?.textContent).toBe(user);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe(`We sent an e-mail to ${user}.`);
  });
});
