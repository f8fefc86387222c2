// The access-number field: digits only, the length and check digit checked before anything is sent.
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import AccessNumberInput from '@/components/AccessNumberInput.svelte';
import { BAD_ACCESS_NUMBER, GOOD_ACCESS_NUMBER } from './fixtures';

function setup(useCheckSum = true) {
  const onsubmit = vi.fn<(n: string) => void>();
  render(AccessNumberInput, { digits: 7, useCheckSum, onsubmit });
  const field = screen.getByLabelText('Access number') as HTMLInputElement;
  return { onsubmit, field };
}

describe('AccessNumberInput', () => {
  it('keeps digits only, up to 7, without autocomplete', async () => {
    const { field } = setup();
    expect(field.getAttribute('autocomplete')).toBe('off');
    expect(field.getAttribute('inputmode')).toBe('numeric');
    await fireEvent.input(field, { target: { value: '12 34-567 89' } });
    expect(field.value).toBe('1234567');
  });

  it('sends a valid number with "Next" and clears the field', async () => {
    const { onsubmit, field } = setup();
    await fireEvent.input(field, { target: { value: GOOD_ACCESS_NUMBER } });
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(onsubmit).toHaveBeenCalledExactlyOnceWith(GOOD_ACCESS_NUMBER);
    expect(field.value).toBe('');
  });

  it('sends with Enter', async () => {
    const { onsubmit, field } = setup();
    await fireEvent.input(field, { target: { value: GOOD_ACCESS_NUMBER } });
    await fireEvent.keyDown(field, { key: 'Enter' });
    expect(onsubmit).toHaveBeenCalledExactlyOnceWith(GOOD_ACCESS_NUMBER);
  });

  it('shows a bad check digit and sends nothing; typing again clears the message', async () => {
    const { onsubmit, field } = setup();
    await fireEvent.input(field, { target: { value: BAD_ACCESS_NUMBER } });
    await fireEvent.keyDown(field, { key: 'Enter' });
    expect(onsubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/not valid/);
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.value).toBe(BAD_ACCESS_NUMBER);
    await fireEvent.input(field, { target: { value: '123456' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('refuses a short number', async () => {
    const { onsubmit, field } = setup();
    await fireEvent.input(field, { target: { value: '123' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(onsubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/7 digits/);
  });

  it('accepts any 7 digits when the service uses no check digit', async () => {
    const { onsubmit, field } = setup(false);
    await fireEvent.input(field, { target: { value: BAD_ACCESS_NUMBER } });
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(onsubmit).toHaveBeenCalledExactlyOnceWith(BAD_ACCESS_NUMBER);
  });
});
