/**
 * Enrolment as a user does it, for server tests: register with a Milagro-style client, open the activation link
 * from the built-in mailbox and press "Confirm and activate", then fetch the shares and set the PIN. Also the
 * access-number sign-in's PC side. Test support only.
 */
import { HttpClient, type HttpResult, type MilagroClient, type MilagroIdentity } from './milagro-http-client.ts';

/** The activation link of the newest mail to `userId` in the mailbox at `base`. */
export async function activationLinkFor(base: string, userId: string): Promise<string> {
  const mails = await new HttpClient(base).request('GET', '/mailbox.json');
  if (mails.status !== 200) throw new Error(`mailbox.json: ${mails.status}`);
  const mail = (mails.body as { to: string; text: string }[]).find((m) => m.to === userId);
  const link = mail?.text.match(/https?:\/\/\S+\/mpinActivate\?\S+/)?.[0];
  if (!link) throw new Error(`no activation mail for ${userId}`);
  return link;
}

/** Registers `userId`, confirms the link ("Confirm and activate") and sets `pin`. */
export async function enrol(
  phone: MilagroClient,
  userId: string,
  pin: number,
  deviceName = 'serverTest',
): Promise<MilagroIdentity> {
  const reg = await phone.register(userId, deviceName);
  if (reg.status !== 200) throw new Error(`register: ${reg.status} ${reg.text}`);
  const link = await activationLinkFor(phone.base, userId);
  const confirm = await new HttpClient(phone.base).request('POST', link, '', {
    'content-type': 'application/x-www-form-urlencoded',
  });
  if (confirm.status !== 200) throw new Error(`activation: ${confirm.status}`);
  return phone.setup(userId, reg.body.mpinId, reg.body.regOTT, pin);
}

/** Polls the PC's `/rps/access` until its status is `status` (or 50 polls, 100 ms apart); the last answer. */
export async function pollAccess(pc: HttpClient, webOTT: string, status: string): Promise<HttpResult> {
  let poll = await pc.request('POST', '/rps/access', { webOTT });
  for (let i = 0; i < 50 && poll.body?.status !== status; i++) {
    await new Promise((r) => setTimeout(r, 100));
    poll = await pc.request('POST', '/rps/access', { webOTT });
  }
  return poll;
}
