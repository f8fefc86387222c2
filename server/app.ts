/**
 * Builds and starts the whole reference server in one process: a public listener (demo relying party, RPS
 * public API under /rps, second "cloud" D-TA under /dta2, mailbox) and a private one on 127.0.0.1 (RPS
 * private API, first D-TA under /dta1, the relying party's hooks under /rpa). The parts talk to each
 * other by URL exactly as Milagro's separate services do, so each could run on its own; calls between the
 * listeners of this one process skip the socket (util/in-process-fetch.ts).
 * It refuses to start when identities are registered but a secret file is gone (secret-files.ts), serves the
 * mailbox only where that is safe (mail/mailbox-access.ts), and purges expired records every minute.
 */
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import { mkdirSync } from 'node:fs';
import type { Config } from './config.ts';
import type { ServerContext } from './context.ts';
import { registerDta } from './dta/dta-app.ts';
import { createDtaClient } from './dta/dta-client.ts';
import { createMailer } from './mail/mailer.ts';
import { mailboxAccess, mailboxWarning } from './mail/mailbox-access.ts';
import { hasRegisteredDevices } from './rpa/devices.ts';
import { registerDemoSite } from './rpa/site.ts';
import { registerRpaHooks } from './rpa/hooks.ts';
import { createRps } from './rps/rps.ts';
import { registerRpsPrivate } from './rps/private-routes.ts';
import { registerRpsPublic } from './rps/public-routes.ts';
import { openStorage } from './storage/open.ts';
import { createHttpApp } from './util/http.ts';
import { isStorageFailure } from './storage/failure.ts';
import { serveInProcess } from './util/in-process-fetch.ts';
import {
  CREDENTIALS_FILE,
  loadCredentials,
  loadMasterSecret,
  masterSecretFile,
  refuseLostSecrets,
} from './util/secret-files.ts';

export interface RunningServer {
  ctx: ServerContext;
  publicUrl: string;
  privateUrl: string;
  /** What the operator must be told at start-up (main.ts prints it), e.g. a mailbox open to other machines. */
  warnings: string[];
  close(): Promise<void>;
}

export async function startServer(config: Config, now: () => number = Date.now): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const storage = await openStorage(config, now);
  const secretFiles = [
    CREDENTIALS_FILE,
    ...(config.DTA1_URL ? [] : [masterSecretFile('dta1')]),
    ...(config.DTA2_URL ? [] : [masterSecretFile('dta2')]),
  ];
  try {
    refuseLostSecrets(config.dataDir, secretFiles, await hasRegisteredDevices(storage));
  } catch (e) {
    await storage.close();
    throw e;
  }
  const credentials = loadCredentials(config.dataDir);
  const mailbox = mailboxAccess(config);
  const ctx: ServerContext = {
    config,
    storage,
    credentials,
    mailer: undefined as unknown as ServerContext['mailer'], // set below: it needs ctx.publicUrl
    publicUrl: config.PUBLIC_URL ?? '',
    privateUrl: '',
    now,
  };

  ctx.mailer = createMailer(config, storage, {
    now,
    publicUrl: () => ctx.publicUrl,
    mailboxServed: mailbox.served,
  });

  const priv = createHttpApp(config.LOG_LEVEL, 'private');
  const pub = createHttpApp(config.LOG_LEVEL, 'public', config.TRUST_PROXY);
  for (const app of [priv, pub]) await app.register(formbody);
  await pub.register(rateLimit, { global: false });

  // D-TAs: in this process unless DTA1_URL / DTA2_URL point elsewhere; the first on the private listener, the second
  // ("cloud") one on the public listener, where clients fetch their second shares
  const localDtas = [
    { name: 'dta1', listener: priv, elsewhere: config.DTA1_URL, cloud: false },
    { name: 'dta2', listener: pub, elsewhere: config.DTA2_URL, cloud: true },
  ] as const;
  for (const { name, listener, elsewhere, cloud } of localDtas) {
    if (elsewhere) continue;
    const masterSecret = loadMasterSecret(config.dataDir, name);
    await listener.register(async (app) => registerDta(app, { name, masterSecret, credentials, cloud, now }), {
      prefix: `/${name}`,
    });
  }

  const rps = createRps(ctx, {
    dta1: () => createDtaClient(config.DTA1_URL ?? `${ctx.privateUrl}/dta1/`, credentials, now),
    dta2: () => createDtaClient(config.DTA2_URL ?? `${ctx.publicUrl}/dta2/`, credentials, now),
    /** What clients are told in clientSettings.certivoxURL: relative, so it follows the origin they use. */
    certivoxURL: config.DTA2_URL ?? '/dta2/',
    verifyUserURL: () => `${ctx.privateUrl}/rpa/mpinVerify`,
    permitUserURL: () => `${ctx.privateUrl}/rpa/mpinPermitUser`,
  });
  await pub.register(async (app) => registerRpsPublic(app, rps), { prefix: '/rps' });
  await priv.register(async (app) => registerRpsPrivate(app, rps));
  await priv.register(async (app) => registerRpaHooks(app, ctx), { prefix: '/rpa' });
  // the HTML pages in one scope, so that their headers, cookies and static files are set up once
  await pub.register(async (app) => registerDemoSite(app, ctx, { mailbox: mailbox.served }));

  await priv.listen({ port: config.PRIVATE_PORT, host: '127.0.0.1' });
  ctx.privateUrl = `http://127.0.0.1:${(priv.server.address() as { port: number }).port}`;
  await pub.listen({ port: config.PORT, host: config.HOST });
  const port = (pub.server.address() as { port: number }).port;
  ctx.publicUrl = config.PUBLIC_URL ? config.publicUrl : `http://${config.HOST}:${port}`;
  const inProcess = [serveInProcess(ctx.privateUrl, priv), serveInProcess(ctx.publicUrl, pub)];

  const purge = setInterval(() => void purgeExpired(), 60_000);
  purge.unref();
  async function purgeExpired() {
    try {
      await storage.purgeExpired();
    } catch (e) {
      // a full or locked disk must not end the process: the next round tries again
      if (!isStorageFailure(e)) throw e;
      pub.log.error({ err: { type: 'StorageFailure', code: e.code } }, 'purging expired records failed');
    }
  }

  return {
    ctx,
    publicUrl: ctx.publicUrl,
    privateUrl: ctx.privateUrl,
    warnings: mailbox.exposed ? [mailboxWarning(config.HOST, ctx.publicUrl)] : [],
    async close() {
      clearInterval(purge);
      for (const stop of inProcess) stop();
      await rps.close();
      await pub.close();
      await priv.close();
      ctx.mailer.close();
      await storage.close();
    },
  };
}
