/**
 * The relying party's hooks that the RPS calls on the private listener (mounted under /rpa):
 * - POST /mpinVerify (Milagro RPAVerifyUserURL): a registration was started; record the device and
 *   e-mail the activation link, or, when activation is not required, answer {forceActivate:true}. The device
 *   record of a registration waiting for its link expires with the registration (anyone can start one, so it
 *   must not stay for ever); confirming the link (activation.ts) makes it permanent.
 * - GET /mpinPermitUser?mpin_id= (Milagro RPAPermitUserURL): 200 when the identity may get a time
 *   permit, 403 when it, or its user, has been revoked.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseMpinId } from '../../lib/mpin/index.ts';
import type { ServerContext } from '../context.ts';
import type { RecordKinds } from '../storage/types.ts';
import { HttpError, errorBody } from '../util/errors.ts';
import { parse } from '../util/http.ts';
import { hexString, storedText } from '../util/text.ts';
import { parseIso } from '../util/time.ts';
import { isEmail } from '../../lib/rps/email.ts';
import { esc } from './layout.ts';
import { keepDevice } from './devices.ts';
import { revocationOf } from './revocation.ts';

const VerifyBody = z.object({
  userId: storedText(254, 'userId'),
  mpinId: hexString('mpinId', 2048),
  mobile: z
    .union([z.literal(0), z.literal(1), z.boolean(), z.enum(['0', '1'])])
    .transform((v) => (v === 1 || v === true || v === '1' ? 1 : 0)),
  activateKey: hexString('activateKey', 128),
  expireTime: z
    .string()
    .max(40)
    .refine((s) => !Number.isNaN(parseIso(s)), 'expireTime must be an ISO time'),
  resend: z
    .union([z.boolean(), z.literal(0), z.literal(1)])
    .optional()
    .default(false)
    .transform(Boolean),
  deviceName: storedText(64, 'deviceName')
    .nullish()
    .transform((v) => v ?? ''),
  userData: z.unknown().optional(),
});

/** The longest a pending device record lives: ACTIVATION_EXPIRE_SECONDS' upper bound. */
const MAX_PENDING_MS = 7 * 86400_000;

const PermitQuery = z.object({ mpin_id: hexString('mpin_id', 2048) });

/** The activation link of a registration, as e-mailed (Milagro: <base>/mpinActivate?i=<mpinId>&e=<expireTime>&s=<activateKey>). */
export function activationLink(publicUrl: string, mpinId: string, expireTime: string, activateKey: string): string {
  const q = new URLSearchParams({ i: mpinId, e: expireTime, s: activateKey });
  return `${publicUrl}/mpinActivate?${q.toString()}`;
}

export async function registerRpaHooks(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.post('/mpinVerify', async (req, reply) => {
    const body = parse(VerifyBody, req.body, 400);
    if (!isEmail(body.userId)) throw new HttpError(403, 'Invalid e-mail address');
    let idUser: string;
    try {
      idUser = parseMpinId(body.mpinId).fields.userID;
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    if (idUser.toLowerCase() !== body.userId.toLowerCase())
      throw new HttpError(400, 'userId does not match the mpinId');
    const mpinId = body.mpinId.toLowerCase();
    const device: RecordKinds['device'] = { userId: body.userId, deviceName: body.deviceName, mobile: body.mobile };
    if (!ctx.config.REQUIRE_ACTIVATION) {
      // activation is off: the registration is active now, so is its device
      await keepDevice(ctx.storage, mpinId, device);
      return reply.send({ forceActivate: true });
    }
    // pending until the link is confirmed; a resend of an already confirmed registration keeps it permanent
    if ((await ctx.storage.expiresAt('device', mpinId)) !== null) {
      const until = Math.min(parseIso(body.expireTime), ctx.now() + MAX_PENDING_MS);
      await ctx.storage.put('device', mpinId, device, until);
    }

    const link = activationLink(ctx.publicUrl, mpinId, body.expireTime, body.activateKey.toLowerCase());
    const from = body.mobile ? 'Mobile' : 'PC';
    const named = body.deviceName ? ` named "${body.deviceName}"` : '';
    const until = new Date(parseIso(body.expireTime)).toUTCString();
    const text =
      `Hello,\n\n` +
      `an M-Pin identity for ${body.userId} was requested from a ${from} device${named}.\n` +
      `To confirm that this e-mail address is yours and activate the identity, open this link before ${until}:\n\n` +
      `${link}\n\n` +
      `Then go back to the device and press "I confirmed my email".\n` +
      `If you did not ask for this, ignore this message: nothing is activated without the link.\n`;
    const html =
      `<p>Hello,</p>` +
      `<p>an M-Pin identity for <strong>${esc(body.userId)}</strong> was requested from a <strong>${from}</strong> device${body.deviceName ? ` named <strong>${esc(body.deviceName)}</strong>` : ''}.</p>` +
      `<p>To confirm that this e-mail address is yours and activate the identity, open this link before ${esc(until)}:</p>` +
      `<p><a href="${esc(link)}">Confirm and activate</a></p>` +
      `<p>Then go back to the device and press “I confirmed my email”.</p>` +
      `<p>If you did not ask for this, ignore this message: nothing is activated without the link.</p>`;
    try {
      await ctx.mailer.send({
        to: body.userId,
        subject: body.resend ? 'Confirm your M-Pin identity (resent)' : 'Confirm your M-Pin identity',
        text,
        html,
      });
    } catch (e) {
      req.log.error({ err: { type: (e as Error).name, message: (e as Error).message } }, 'activation e-mail not sent');
      throw new HttpError(503, 'Could not send the activation e-mail');
    }
    return reply.send({ forceActivate: false });
  });

  app.get('/mpinPermitUser', async (req, reply) => {
    const { mpin_id } = parse(PermitQuery, req.query, 403);
    const reason = await revocationOf(ctx.storage, mpin_id);
    if (reason !== null) return reply.code(403).send(errorBody('This M-Pin identity has been revoked'));
    return reply.send({ message: 'OK' });
  });
}
