/**
 * `npm start`: the reference M-Pin server with the demo relying party, on SQLite in DATA_DIR and the built-in
 * mailbox unless SMTP_URL is set. Prints where everything is, and stops cleanly on SIGINT / SIGTERM.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer } from './app.ts';
import { loadConfig } from './config.ts';
import { mailboxAccess } from './mail/mailbox-access.ts';
import { runProcess } from './util/process.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const server = await startServer(config);
  const ext = (name: string) => {
    const dir = resolve('.output', name);
    return existsSync(dir) ? dir : `${dir} (not built: run npm run build)`;
  };
  const url = server.publicUrl;
  const mailbox = config.SMTP_URL
    ? `sent by SMTP (${new URL(config.SMTP_URL).host})`
    : mailboxAccess(config).served
      ? `${url}/mailbox`
      : 'printed here only (the mailbox is served on a loopback HOST, or with MAILBOX_PUBLIC=1)';
  console.log(
    [
      '',
      'M-Pin reference server is running.',
      `  Demo site (relying party):  ${url}/`,
      `  Mailbox (activation mail):  ${mailbox}`,
      `  RPS API:                    ${url}/rps/clientSettings`,
      `  Data:                       ${config.dataDir}`,
      '',
      'Load the extension:',
      `  Chrome / Chromium: chrome://extensions → Developer mode → Load unpacked → ${ext('chrome-mv3')}`,
      `  Firefox: about:debugging → This Firefox → Load Temporary Add-on → ${ext('firefox-mv2')}/manifest.json`,
      '',
      `Then open ${url}/ in another browser (the "PC"), and add the service ${url} in the extension (the "phone").`,
      'Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
  for (const warning of server.warnings) console.warn(`\n${warning}\n`);
  return server;
}

runProcess(main);
