/**
 * E-mail activation on the demo site: the link in the activation e-mail (Milagro's
 * /mpinActivate?i=<mpinId>&e=<expireTime>&s=<activateKey>, built by hooks.ts) opens a page that shows what was
 * requested, from where, and a "Confirm and activate" button; only that POST activates, through the RPS private API,
 * so that a mail scanner following the link activates nothing. The device record then becomes permanent.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseMpinId } from '../../lib/mpin/index.ts';
import { hexString } from '../util/text.ts';
import { parseIso } from '../util/time.ts';
import { keepDevice } from './devices.ts';
import { html, sendPage } from './layout.ts';
import type { SiteContext } from './site-context.ts';

const ActivationQuery = z.object({ i: hexString('i', 2048), e: z.string().min(1).max(40), s: hexString('s', 128) });

const TITLE = 'E-mail confirmation';
const INVALID = 'This verification link is not valid.';
const USED_OR_EXPIRED = 'This verification link has already been used or has expired!';

type Link =
  | { ok: true; q: z.infer<typeof ActivationQuery>; id: ReturnType<typeof parseMpinId> }
  | { ok: false; error: string; status: number };

export function registerActivation(app: FastifyInstance, { ctx, rps, limited }: SiteContext): void {
  /** The link of the request, checked: well formed, naming an mpin_id, not expired. */
  const linkOf = (req: FastifyRequest): Link => {
    const invalid = { ok: false, error: INVALID, status: 400 } as const;
    const q = ActivationQuery.safeParse(req.query);
    if (!q.success) return invalid;
    let id;
    try {
      id = parseMpinId(q.data.i);
    } catch {
      return invalid;
    }
    const expires = parseIso(q.data.e);
    if (Number.isNaN(expires)) return invalid;
    if (ctx.now() > expires) return { ok: false, error: USED_OR_EXPIRED, status: 410 };
    return { ok: true, q: q.data, id };
  };

  app.get('/mpinActivate', async (req, reply) => {
    const link = linkOf(req);
    if (!link.ok) return sendError(reply, link.error, link.status);
    const { q, id } = link;
    const device = await ctx.storage.get('device', q.i.toLowerCase());
    const action = `/mpinActivate?${new URLSearchParams({ i: q.i, e: q.e, s: q.s }).toString()}`;
    const body = html`
<p>Please confirm that you asked for an M-Pin identity for this e-mail address.</p>
<dl class="facts" id="activation-details">
<dt>Email address</dt><dd id="activation-email">${id.fields.userID}</dd>
<dt>Requested on</dt><dd id="activation-requested">${requestedOn(id.fields.issued)}</dd>
<dt>From</dt><dd id="activation-from">${id.fields.mobile ? 'Mobile' : 'PC'}</dd>
${device?.deviceName ? html`<dt>Device name</dt><dd id="activation-device">${device.deviceName}</dd>` : ''}
</dl>
<form id="activation-form" method="post" action="${action}"><button type="submit">Confirm and activate</button></form>
<p class="note">If you did not ask for it, close this page: nothing is activated without this button.</p>`;
    return sendPage(reply, { title: TITLE, body });
  });

  app.post('/mpinActivate', limited, async (req, reply) => {
    const link = linkOf(req);
    if (!link.ok) return sendError(reply, link.error, link.status);
    let activated;
    try {
      activated = await rps.activate(link.q.i.toLowerCase(), link.q.s.toLowerCase());
    } catch {
      return sendError(reply, 'The server could not confirm your e-mail address now. Please try again later.', 502);
    }
    if (!activated.ok) return sendError(reply, USED_OR_EXPIRED, 410);
    await keepDevice(ctx.storage, link.q.i); // the e-mail address is confirmed: the device record stays
    const body = html`
<p id="activation-result" class="success">Your e-mail address is confirmed: <strong>${link.id.fields.userID}</strong>.</p>
<p>Go back to the ${link.id.fields.mobile ? 'phone' : 'browser'} where you registered and press “I confirmed my email” to choose your PIN.</p>`;
    return sendPage(reply, { title: TITLE, body });
  });
}

function sendError(reply: FastifyReply, message: string, status: number) {
  const body = html`<p id="activation-result" class="error">${message}</p><p><a href="/">Back to the home page</a></p>`;
  return sendPage(reply, { title: TITLE, body }, status);
}

/** The mpin_id's "issued" (UTC, Python's str(datetime) or ISO) as a readable date. */
function requestedOn(issued: string): string {
  const t = Date.parse(/Z$|[+-]\d\d:?\d\d$/.test(issued) ? issued : `${issued.replace(' ', 'T')}Z`);
  return Number.isNaN(t) ? issued : new Date(t).toUTCString();
}
