// The PIN pad (R22): digits by keyboard and on-screen buttons, Backspace, Enter, masked, no autocomplete, no paste,
// and nothing of the PIN left in the DOM after it is submitted.
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import PinPad from '@/components/PinPad.svelte';

function setup(busy = false) {
  const onsubmit = vi.fn<(pin: string) => void>();
  render(PinPad, { submitLabel: 'Login', onsubmit, busy });
  const field = screen.getByLabelText('PIN') as HTMLInputElement;
  return { onsubmit, field };
}

const key = (name: string) => screen.getByRole('button', { name });

describe('PinPad', () => {
  it('is a masked field without autocomplete', () => {
    const { field } = setup();
    expect(field.type).toBe('password');
    expect(field.getAttribute('autocomplete')).toBe('off');
    expect(field.getAttribute('inputmode')).toBe('numeric');
    expect(field.maxLength).toBe(4);
    expect(field.closest('form')?.getAttribute('autocomplete')).toBe('off');
  });

  it('takes digits typed in the field, drops anything else, and Enter submits', async () => {
    const { onsubmit, field } = setup();
    await fireEvent.input(field, { target: { value: '1a2-3' } });
    expect(field.value).toBe('123');
    await fireEvent.input(field, { target: { value: '12345' } });
    expect(field.value).toBe('1234');
    await fireEvent.keyDown(field, { key: 'Enter' });
    expect(onsubmit).toHaveBeenCalledExactlyOnceWith('1234');
  });

  it('takes the on-screen digit buttons and "Delete last digit", then the submit button', async () => {
    const { onsubmit, field } = setup();
    for (const d of ['7', '0', '5']) await fireEvent.click(key(d));
    expect(field.value).toBe('705');
    await fireEvent.click(key('Delete last digit'));
    expect(field.value).toBe('70');
    await fireEvent.click(key('1'));
    await fireEvent.click(key('9'));
    await fireEvent.click(key('9')); // a fifth digit is ignored
    expect(screen.getByText('4 of 4 digits')).toBeTruthy();
    await fireEvent.click(key('Login'));
    expect(onsubmit).toHaveBeenCalledExactlyOnceWith('7019');
  });

  it('takes digits and Backspace typed while a pad button has the focus', async () => {
    const { onsubmit, field } = setup();
    const five = key('5');
    five.focus();
    for (const k of ['3', '1', '4', '1']) await fireEvent.keyDown(five, { key: k });
    await fireEvent.keyDown(five, { key: 'Backspace' });
    await fireEvent.keyDown(five, { key: 'x' });
    expect(field.value).toBe('314');
    await fireEvent.keyDown(five, { key: '6' });
    await fireEvent.keyDown(field, { key: 'Enter' });
    expect(onsubmit).toHaveBeenCalledExactlyOnceWith('3146');
  });

  it('refuses fewer than 4 digits, says so, sends nothing', async () => {
    const { onsubmit, field } = setup();
    await fireEvent.input(field, { target: { value: '12' } });
    await fireEvent.keyDown(field, { key: 'Enter' });
    expect(onsubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('The PIN is 4 digits.');
    expect(field.getAttribute('aria-invalid')).toBe('true');
  });

  it('blocks paste and drop', async () => {
    const { field } = setup();
    const paste = new Event('paste', { bubbles: true, cancelable: true });
    field.dispatchEvent(paste);
    expect(paste.defaultPrevented).toBe(true);
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    field.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
  });

  it('leaves nothing of the PIN in the DOM after submit', async () => {
    const { onsubmit, field } = setup();
    await fireEvent.input(field, { target: { value: '8642' } });
    await fireEvent.click(key('Login'));
    expect(onsubmit).toHaveBeenCalledExactlyOnceWith('8642');
    expect(field.value).toBe('');
    expect(document.body.innerHTML).not.toContain('8642');
    expect(screen.getByText('0 of 4 digits')).toBeTruthy();
  });

  it('is disabled while busy', async () => {
    const { onsubmit, field } = setup(true);
    expect(field.disabled).toBe(true);
    expect((key('Login') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(key('1'));
    expect(field.value).toBe('');
    expect(onsubmit).not.toHaveBeenCalled();
  });
});
