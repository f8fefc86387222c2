/** What the demo site's scripts share about the page: elements by id, the status line, and a pause. */

/** The element with `id`, typed; throws when the page lacks it (a markup change the script must follow). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type Tone = 'info' | 'error' | 'success';

/** A function that shows a message in the live region `el` (its data-kind styles it). */
export function statusLine(el: HTMLElement): (message: string, kind?: Tone) => void {
  return (message, kind = 'info') => {
    el.textContent = message;
    el.dataset.kind = kind;
  };
}
