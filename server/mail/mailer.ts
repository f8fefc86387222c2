/**
 * Outgoing mail (the activation e-mail), through nodemailer. With SMTP_URL set, a real SMTP transport;
 * otherwise the built-in mailbox: a nodemailer transport of our own that stores each message in the
 * database (record kind 'mail', kept MAILBOX_RETENTION_MS), where /mailbox lists it, and prints it to the
 * console, so the demo needs no mail server. Printing includes the text body, activation link and all:
 * that is the point of the demo mailbox, and it happens only when no SMTP server is configured. What is
 * printed is escaped for the terminal (server/util/text.ts), whatever the message holds.
 */
import nodemailer from 'nodemailer';
import type { NodemailerError, Transport } from 'nodemailer';
import type { Config } from '../config.ts';
import type { Storage } from '../storage/types.ts';
import { randomHex } from '../util/random.ts';
import { terminalSafe } from '../util/text.ts';

export interface MailMessageInput {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(msg: MailMessageInput): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  /** The clock for the mailbox's ids and expiry: pass the storage's clock (default Date.now). */
  now?: () => number;
  /** The site's URL for the mailbox link printed with each message (default config.publicUrl). */
  publicUrl?: () => string;
  /** Where the mailbox's console notice goes (default stdout; nothing when LOG_LEVEL is silent). */
  print?: (text: string) => void;
  /** Whether /mailbox is served (mailbox-access.ts); when not, the notice names no mailbox page (default true). */
  mailboxServed?: boolean;
}

/** How long the built-in mailbox keeps a message: 7 days, the longest an activation link can live. */
export const MAILBOX_RETENTION_MS = 7 * 86400_000;

/** One plain address (local@domain): no display name, no lists, no header or command injection. */
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

export function createMailer(config: Config, storage: Storage, opts: MailerOptions = {}): Mailer {
  const transport = config.SMTP_URL
    ? nodemailer.createTransport(config.SMTP_URL)
    : nodemailer.createTransport(mailboxTransport(storage, config, opts));
  return {
    async send(msg) {
      if (msg.to.length > 254 || !ADDRESS.test(msg.to)) throw new Error('invalid recipient address');
      await transport.sendMail({
        from: config.MAIL_FROM,
        to: msg.to,
        subject: msg.subject.replace(/[\r\n]+/g, ' '),
        text: msg.text,
        html: msg.html,
      });
    },
    close() {
      transport.close();
    },
  };
}

/** Ids sort by time: base-36 milliseconds, then random hex (the id also names the message's page). */
export function mailboxId(now: number): string {
  return `${now.toString(36).padStart(9, '0')}-${randomHex(4)}`;
}

/** When the message with this mailbox id was stored (ms), undefined for an id not of that form. */
export function mailboxIdTime(id: string): number | undefined {
  const m = /^([0-9a-z]{1,11})-[0-9a-f]+$/.exec(id);
  return m ? parseInt(m[1]!, 36) : undefined;
}

function mailboxTransport(storage: Storage, config: Config, opts: MailerOptions): Transport<{ messageId: string }> {
  const now = opts.now ?? Date.now;
  const publicUrl = opts.publicUrl ?? (() => config.publicUrl);
  const print =
    opts.print ?? (config.LOG_LEVEL === 'silent' ? () => {} : (text: string) => void process.stdout.write(text));
  return {
    name: 'mpin-mailbox',
    version: '1',
    send(mail, callback) {
      // nodemailer's transport API is callback-based; the store is asynchronous
      void deliver(mail).then(
        (id) => callback(null, { messageId: id }),
        (e) => callback(e as NodemailerError),
      );
    },
  };

  async function deliver(mail: Parameters<Transport<{ messageId: string }>['send']>[0]): Promise<string> {
    {
      const d = mail.data;
      const value = {
        to: str(d.to),
        from: str(d.from),
        subject: str(d.subject),
        text: str(d.text),
        html: str(d.html),
      };
      const t = now();
      const id = mailboxId(t);
      await storage.put('mail', id, value, t + MAILBOX_RETENTION_MS);
      const body = value.text
        .replace(/\r\n?/g, '\n')
        .trimEnd()
        .split('\n')
        .map((l) => (l ? `  ${terminalSafe(l)}` : ''))
        .join('\n');
      const where =
        opts.mailboxServed === false
          ? 'the mailbox is not served on this address'
          : `read it at ${publicUrl().replace(/\/+$/, '')}/mailbox/${id}`;
      print(`[mailbox] mail to ${terminalSafe(value.to)}: "${terminalSafe(value.subject)}"; ${where}\n${body}\n`);
      return id;
    }
  }
}

/** Our own messages carry plain strings; anything else (Buffer, address object) is turned into text. */
function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v && typeof v === 'object' && 'address' in v) return str(v.address);
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
