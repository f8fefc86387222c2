/**
 * Who may read the built-in mailbox. It lists every activation link, and a link activates an identity for that
 * address, so whoever reads the mailbox can register as anyone. It is therefore served only when the public
 * listener is on a loopback address (HOST localhost, 127.0.0.0/8 or ::1: only this machine can reach it) with no
 * reverse proxy in front (TRUST_PROXY empty), or when
 * the operator sets MAILBOX_PUBLIC, which earns a start-up warning. Otherwise mail still goes to the console.
 */
import { isLoopbackHost } from '../../lib/rps/url-policy.ts';
import type { Config } from '../config.ts';

export interface MailboxAccess {
  /** Whether /mailbox and /mailbox.json are served. */
  served: boolean;
  /** Served to other machines too (MAILBOX_PUBLIC on a non-loopback HOST): warn at start-up. */
  exposed: boolean;
}

export function mailboxAccess(
  config: Pick<Config, 'HOST' | 'MAILBOX_PUBLIC' | 'SMTP_URL' | 'TRUST_PROXY'>,
): MailboxAccess {
  // A trusted reverse proxy in front means other machines reach this loopback listener through it.
  if (isLoopbackHost(config.HOST) && config.TRUST_PROXY.length === 0) return { served: true, exposed: false };
  if (!config.MAILBOX_PUBLIC) return { served: false, exposed: false };
  // with SMTP_URL it lists nothing (mail goes out by SMTP), so there is nothing to warn about
  return { served: true, exposed: !config.SMTP_URL };
}

/** The start-up warning for an exposed mailbox at `publicUrl`. */
export function mailboxWarning(host: string, publicUrl: string): string {
  return (
    `WARNING: MAILBOX_PUBLIC is set and the server listens on ${host}, not on a loopback address, or behind a reverse proxy: anyone who can ` +
    `reach ${publicUrl}/mailbox can read every activation link and activate an M-Pin identity for any e-mail ` +
    `address. Use this for a demo only; set SMTP_URL to send real mail.`
  );
}
