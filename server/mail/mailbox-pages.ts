/**
 * The built-in mailbox's pages on the public listener: /mailbox (newest first), /mailbox/<id> (one
 * message) and /mailbox.json (for tests and scripts looking for activation links). A message is shown
 * from its text part, escaped, with its http(s) URLs made into links; its stored HTML is never put into
 * the page (only its source, escaped). With SMTP_URL set, mail goes out by SMTP and the mailbox is empty.
 * The pages' security headers (CSP…) come from the scope they are registered in (rpa/page-headers.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { Html, html, sendPage } from '../rpa/layout.ts';
import type { StoredRecord } from '../storage/types.ts';
import { mailboxIdTime } from './mailer.ts';

/** The newest messages listed at most. */
const LIST_LIMIT = 200;

export async function registerMailbox(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const enabled = () => !ctx.config.SMTP_URL;
  const messages = async (): Promise<StoredRecord<'mail'>[]> =>
    enabled() ? await ctx.storage.list('mail', LIST_LIMIT) : [];

  app.get('/mailbox', async (_req, reply) => {
    const list = await messages();
    const body = !enabled()
      ? html`<p>Mail goes out by SMTP (SMTP_URL is set), so the built-in mailbox is not used and lists nothing.</p>`
      : list.length === 0
        ? html`<p>No messages yet. Mail the server sends (activation links) appears here, newest first, and is kept for 7 days.</p>`
        : html`<p>Mail the server has sent, newest first, kept for 7 days. It is also printed to the server's console.</p>
<table>
<caption>Messages (${list.length})</caption>
<thead><tr><th scope="col">Date</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
<tbody>
${list.map(
  (
    m,
  ) => html`<tr><td>${when(m.created)}</td><td>${m.value.to}</td><td><a href="/mailbox/${encodeURIComponent(m.key)}">${m.value.subject || '(no subject)'}</a></td></tr>
`,
)}</tbody>
</table>`;
    return sendPage(reply, { title: 'Mailbox', body });
  });

  app.get('/mailbox.json', async (_req, reply) => {
    reply.header('Cache-Control', 'no-store');
    return (await messages()).map((m) => ({
      id: m.key,
      to: m.value.to,
      subject: m.value.subject,
      text: m.value.text,
      created: m.created,
    }));
  });

  app.get<{ Params: { id: string } }>('/mailbox/:id', async (req, reply) => {
    const m = enabled() ? await ctx.storage.get('mail', req.params.id) : undefined;
    if (!m) {
      const body = html`<p>There is no message with this id: it may have expired (messages are kept for 7 days).</p><p><a href="/mailbox">Back to the mailbox</a></p>`;
      return sendPage(reply, { title: 'Message not found', body }, 404);
    }
    const created = mailboxIdTime(req.params.id);
    const body = html`<p><a href="/mailbox">Back to the mailbox</a></p>
<dl class="mail-headers">
<dt>From</dt><dd>${m.from}</dd>
<dt>To</dt><dd>${m.to}</dd>
${created !== undefined ? html`<dt>Date</dt><dd>${when(created)}</dd>` : ''}
<dt>Subject</dt><dd>${m.subject || '(no subject)'}</dd>
</dl>
<section aria-labelledby="mail-body-title">
<h2 id="mail-body-title">Message</h2>
<pre class="mail-text">${linkify(m.text)}</pre>
</section>
${m.html ? html`<details><summary>HTML part (source)</summary><pre class="mail-html">${m.html}</pre></details>` : ''}`;
    return sendPage(reply, { title: m.subject || '(no subject)', body });
  });
}

function when(ms: number): Html {
  const d = new Date(ms);
  return html`<time datetime="${d.toISOString()}">${d.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/g;

/** Text as HTML: everything escaped, each http(s) URL a link (trailing punctuation left outside it). */
export function linkify(text: string): Html {
  const parts: (string | Html)[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const url = match[0].replace(/[.,;:!?)\]}]+$/, '');
    const start = match.index;
    parts.push(text.slice(last, start), html`<a href="${url}">${url}</a>`);
    last = start + url.length;
  }
  parts.push(text.slice(last));
  return html`${parts}`;
}
