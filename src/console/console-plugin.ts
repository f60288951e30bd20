// The web console: one HTML page and its bundled assets, served by sysstatus itself under
// /_sysstatus/console. Everything the page needs comes from here; it makes no other request
// than to this server's control API and platform API. Its own plugin inside the control surface:
// the files are public (they hold no data; the page asks for the admin token when the control
// API wants one) and answer errors as plain text.
import { readFile } from 'node:fs/promises';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { plainErrorHandler, sendPlain } from '../http/errors/plain-errors.js';
import type { App } from '../http/types.js';
import { ASSETS_DIR } from './assets-dir.js';
import { consolePage } from './console-page.js';

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

/** A page that only talks to its own origin. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

const notFound = (reply: FastifyReply, hint = '') => sendPlain(reply, 404, `not found${hint}`);

export async function consolePlugin(app: App, options: { bodyLimit: number }) {
  const base = app.prefix;
  app.setErrorHandler(plainErrorHandler(options.bodyLimit));
  app.setNotFoundHandler((_request, reply) => notFound(reply));

  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    noStore(reply).header('content-security-policy', CSP).type('text/html; charset=utf-8');
    return consolePage(`${base}/assets`);
  });

  app.get(
    '/assets/:file',
    { config: { public: true }, schema: { hide: true, params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }) }) } },
    async (request, reply) => {
      const { file } = request.params;
      const type = TYPES[file.slice(file.lastIndexOf('.') + 1)];
      if (!type || file.startsWith('.')) return notFound(reply);
      let body: Buffer;
      try {
        body = await readFile(new URL(file, ASSETS_DIR));
      } catch {
        const hint = file === 'console.js' ? ' (the console is not built: run `npm run build`)' : '';
        return notFound(reply, hint);
      }
      return noStore(reply).type(type).send(body);
    },
  );
}
