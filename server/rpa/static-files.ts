/**
 * The demo site's static files under /static/: the bundled page scripts and the style sheet that
 * `npm run build:web` (server/web/build.ts) writes into STATIC_DIR, served by @fastify/static and read at each
 * request (a rebuild needs no restart). Only flat names of .js, .css and .map files are served; anything else is a
 * 404, whatever lies in the folder. No CDN: every page loads its code from here.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:web` puts the bundled scripts and the style sheet. */
export const STATIC_DIR = join(fileURLToPath(import.meta.url), '..', 'static');

const SERVED = /^\/[A-Za-z0-9][A-Za-z0-9-]*\.(?:js|css|map)$/;

export async function registerStaticFiles(app: FastifyInstance): Promise<void> {
  if (!existsSync(join(STATIC_DIR, 'pinpad.js')))
    app.log.warn('the demo site scripts are not built: run "npm run build:web"');
  await app.register(fastifyStatic, {
    root: STATIC_DIR,
    prefix: '/static/',
    decorateReply: false,
    index: false,
    allowedPath: (path) => SERVED.test(path),
    // revalidated every time (ETag), so that a rebuilt bundle is picked up at once
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', 'no-cache');
      // send's MIME table says application/javascript, which HTML calls legacy
      if (path.endsWith('.js')) reply.header('content-type', 'text/javascript; charset=utf-8');
    },
    suppressWarning: true, // the warning above says what to do
  });
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).header('cache-control', 'max-age=86400').send());
}
