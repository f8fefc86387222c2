// @vitest-environment node
// Mail: the built-in mailbox transport (stored in SQLite, printed to the console), real SMTP through an
// smtp-server started here, and the mailbox pages (/mailbox, /mailbox/<id>, /mailbox.json).
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import type { ServerContext } from '../../server/context.ts';
import { registerMailbox } from '../../server/mail/mailbox-pages.ts';
import { MAILBOX_RETENTION_MS, createMailer, mailboxIdTime } from '../../server/mail/mailer.ts';
import { registerPageHeaders } from '../../server/rpa/page-headers.ts';
import { openSqlite } from '../../server/storage/sqlite.ts';
import type { Storage } from '../../server/storage/types.ts';
import { createHttpApp } from '../../server/util/http.ts';

let dir: string;
let storage: Storage;
let clock: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpin-mail-'));
  clock = Date.UTC(2024, 4, 1, 12, 0, 0);
  storage = openSqlite(join(dir, 'mpin.sqlite'), () => clock);
});
afterEach(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = (env: Record<string, string> = {}) =>
  loadConfig({ DATA_DIR: dir, PORT: '8080', LOG_LEVEL: 'silent', ...env });

describe('built-in mailbox transport', () => {
  it('stores each message for 7 days, lists newest first and prints it to the console', async () => {
    const printed: string[] = [];
    const mailer = createMailer(config({ MAIL_FROM: 'Demo <demo@example.test>' }), storage, {
      now: () => clock,
      print: (t) => printed.push(t),
    });
    await mailer.send({
      to: 'alice@example.com',
      subject: 'First',
      text: 'Hello Alice\nhttp://localhost:8080/a?k=1',
      html: '<p>Hello</p>',
    });
    clock += 1000;
    await mailer.send({ to: 'bob@example.com', subject: 'Second', text: 'Hello Bob', html: '<p>Bob</p>' });
    mailer.close();

    const list = await storage.list('mail');
    expect(list.map((m) => m.value.subject)).toEqual(['Second', 'First']);
    const first = list[1]!;
    expect(first.value).toEqual({
      to: 'alice@example.com',
      from: 'Demo <demo@example.test>',
      subject: 'First',
      text: 'Hello Alice\nhttp://localhost:8080/a?k=1',
      html: '<p>Hello</p>',
    });
    expect(first.expires).toBe(first.created + MAILBOX_RETENTION_MS);
    expect(mailboxIdTime(first.key)).toBe(first.created);
    expect(list[0]!.key > first.key).toBe(true); // ids sort by time

    expect(printed).toHaveLength(2);
    expect(printed[0]).toContain('alice@example.com');
    expect(printed[0]).toContain('"First"');
    expect(printed[0]).toContain(`http://localhost:8080/mailbox/${first.key}`);
    expect(printed[0]).toContain('http://localhost:8080/a?k=1'); // the text body, activation link and all

    clock += MAILBOX_RETENTION_MS + 1;
    expect(await storage.list('mail')).toHaveLength(0);
  });

  it('prints the mailbox link with the URL it is given', async () => {
    const printed: string[] = [];
    const mailer = createMailer(config(), storage, {
      print: (t) => printed.push(t),
      publicUrl: () => 'http://127.0.0.1:4321/',
    });
    await mailer.send({ to: 'a@example.com', subject: 'S', text: 'T', html: '' });
    expect(printed[0]).toContain(`http://127.0.0.1:4321/mailbox/${(await storage.list('mail'))[0]!.key}`);
  });

  it('refuses a recipient that is not one plain address', async () => {
    const mailer = createMailer(config(), storage, { print: () => {} });
    for (const to of [
      'a@example.com, b@example.com',
      'Eve <eve@example.com>',
      'a@example.com\r\nBcc: b@example.com',
      'nobody',
      '',
    ]) {
      await expect(mailer.send({ to, subject: 'x', text: 'x', html: 'x' })).rejects.toThrow(/recipient/);
    }
    expect(await storage.list('mail')).toHaveLength(0);
  });
});

describe('SMTP transport', () => {
  it('delivers through a real SMTP server when SMTP_URL is set', async () => {
    const received: { from: string; to: string[]; raw: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          received.push({
            from,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    try {
      const printed: string[] = [];
      const mailer = createMailer(
        config({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'M-Pin <no-reply@example.test>' }),
        storage,
        { print: (t) => printed.push(t) },
      );
      await mailer.send({
        to: 'carol@example.com',
        subject: 'Activate your identity',
        text: 'Open http://localhost:8080/activate to activate.',
        html: '<p>Open the link</p>',
      });
      mailer.close();

      expect(received).toHaveLength(1);
      const msg = received[0]!;
      expect(msg.to).toEqual(['carol@example.com']);
      expect(msg.from).toBe('no-reply@example.test');
      expect(msg.raw).toMatch(/^Subject: Activate your identity\r$/m);
      expect(msg.raw).toMatch(/^To: carol@example.com\r$/m);
      expect(msg.raw).toContain('Open http://localhost:8080/activate to activate.');
      // SMTP mode: nothing stored in the mailbox, nothing printed
      expect(await storage.list('mail')).toHaveLength(0);
      expect(printed).toHaveLength(0);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});

describe('mailbox pages', () => {
  async function appWith(env: Record<string, string> = {}) {
    const cfg = config(env);
    const app = createHttpApp('silent', 'test');
    await registerPageHeaders(app, { https: false }); // as the demo site registers them for its pages and the mailbox
    await registerMailbox(app, { config: cfg, storage } as unknown as ServerContext);
    await app.ready();
    return app;
  }

  it('lists, shows and exports the messages, escaping everything and linking URLs', async () => {
    const mailer = createMailer(config(), storage, { now: () => clock, print: () => {} });
    await mailer.send({ to: 'old@example.com', subject: 'Older', text: 'old', html: '' });
    clock += 60_000;
    await mailer.send({
      to: 'dave@example.com',
      subject: 'Hi <script>alert(1)</script>',
      text: 'Activate: http://localhost:8080/mpinActivate?k=ab&x=1.\n<script>alert(2)</script> javascript:alert(3) https://example.com/x)',
      html: '<p><script>alert(4)</script></p>',
    });
    const [newest, oldest] = await storage.list('mail');
    const app = await appWith();
    try {
      const list = await app.inject({ method: 'GET', url: '/mailbox' });
      expect(list.statusCode).toBe(200);
      expect(list.headers['content-type']).toMatch(/^text\/html/);
      expect(list.headers['content-security-policy']).toContain("script-src 'self'");
      expect(list.body).not.toContain('<script');
      expect(list.body).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(list.body).toContain(`<a href="/mailbox/${newest!.key}">`);
      expect(list.body.indexOf(newest!.key)).toBeLessThan(list.body.indexOf(oldest!.key));
      expect(list.body).toContain('<time datetime="2024-05-01T12:01:00.000Z">');

      const one = await app.inject({ method: 'GET', url: `/mailbox/${newest!.key}` });
      expect(one.statusCode).toBe(200);
      expect(one.headers['content-security-policy']).toContain("default-src 'self'");
      expect(one.body).not.toContain('<script');
      expect(one.body).toContain('dave@example.com');
      expect(one.body).toContain(
        '<a href="http://localhost:8080/mpinActivate?k=ab&amp;x=1">http://localhost:8080/mpinActivate?k=ab&amp;x=1</a>.',
      );
      expect(one.body).toContain('<a href="https://example.com/x">https://example.com/x</a>)');
      expect(one.body).toContain('&lt;script&gt;alert(2)&lt;/script&gt; javascript:alert(3)');
      expect(one.body).not.toContain('href="javascript');
      expect(one.body).toContain('&lt;p&gt;&lt;script&gt;alert(4)'); // the HTML part only as escaped source

      const json = await app.inject({ method: 'GET', url: '/mailbox.json' });
      expect(json.statusCode).toBe(200);
      const items = json.json() as { id: string; to: string; subject: string; text: string; created: number }[];
      expect(items.map((i) => i.id)).toEqual([newest!.key, oldest!.key]);
      expect(items[0]).toEqual({
        id: newest!.key,
        to: 'dave@example.com',
        subject: newest!.value.subject,
        text: newest!.value.text,
        created: newest!.created,
      });

      for (const url of [
        '/mailbox/nope',
        '/mailbox/0000000aa-deadbeef',
        `/mailbox/${encodeURIComponent('<script>')}`,
      ]) {
        const missing = await app.inject({ method: 'GET', url });
        expect(missing.statusCode).toBe(404);
        expect(missing.headers['content-type']).toMatch(/^text\/html/);
        expect(missing.body).toContain('Message not found');
        expect(missing.body).not.toContain('<script');
      }
    } finally {
      await app.close();
    }
  });

  it('says mail goes out by SMTP and lists nothing when SMTP_URL is set', async () => {
    await storage.put('mail', 'x', {
      to: 'a@example.com',
      from: 'f@example.com',
      subject: 'Secret',
      text: 't',
      html: '',
    });
    const app = await appWith({ SMTP_URL: 'smtp://127.0.0.1:2525' });
    try {
      const list = await app.inject({ method: 'GET', url: '/mailbox' });
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain('SMTP');
      expect(list.body).not.toContain('Secret');
      expect((await app.inject({ method: 'GET', url: '/mailbox.json' })).json()).toEqual([]);
      expect((await app.inject({ method: 'GET', url: '/mailbox/x' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
