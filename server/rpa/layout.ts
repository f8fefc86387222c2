/**
 * HTML for the demo site's pages (and the mailbox's): one layout, escaping for everything that goes into it, and the
 * one way a page is sent. Pages are plain, accessible HTML (landmarks, labels, a skip link), with no inline scripts,
 * so the CSP (page-headers.ts) can forbid them.
 */
import type { FastifyReply } from 'fastify';

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

/** Sends a page; never cached, since pages show who is signed in and links carry one-time keys. */
export function sendPage(reply: FastifyReply, opts: PageOptions, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(opts));
}
