/**
 * HTML for the demo site's pages: one layout, and escaping for everything that goes into it. Pages are
 * plain, accessible HTML (landmarks, labels, a skip link), with no inline scripts, so the CSP can forbid them.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A tagged template whose interpolations are escaped unless they are already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    const part = Array.isArray(v)
      ? v.map((x) => (x instanceof Html ? x.value : esc(x))).join('')
      : v instanceof Html
        ? v.value
        : v === undefined || v === null || v === false
          ? ''
          : esc(v);
    out += part + strings[i + 1]!;
  });
  return new Html(out);
}

export interface PageOptions {
  title: string;
  body: Html;
  /** Scripts from /static/ (no inline script anywhere). */
  scripts?: string[];
  /** A short message shown above the content (e.g. "You have been logged out!"). */
  flash?: string;
}

/** The page's CSP: own scripts and styles only, images also as data: URLs (the QR code). */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function page(opts: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · M-Pin demo</title>
<link rel="stylesheet" href="/static/site.css">
${(opts.scripts ?? []).map((s) => html`<script type="module" src="/static/${s}"></script>`)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header><a class="brand" href="/">M-Pin demo</a><nav aria-label="Site"><a href="/">Sign in</a> <a href="/protected">Protected page</a> <a href="/mailbox">Mailbox</a></nav></header>
<main id="main" tabindex="-1">
${opts.flash ? html`<p class="flash" role="status">${opts.flash}</p>` : ''}
<h1>${opts.title}</h1>
${opts.body}
</main>
</body>
</html>
`.value;
}
