// The web console: one HTML page and its bundled assets, served by sysstatus itself under
// /_sysstatus/console. Everything the page needs comes from here; it makes no other request
// than to this server's control API and platform API.
import { readFile } from 'node:fs/promises';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
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

export async function consolePlugin(app: App, options: { prefix?: string }) {
  const base = options.prefix ?? '/_sysstatus/console';

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    noStore(reply).header('content-security-policy', CSP).type('text/html; charset=utf-8');
    return consolePage(`${base}/assets`);
  });

  app.get(
    '/assets/:file',
    { schema: { hide: true, params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }) }) } },
    async (request, reply) => {
      const { file } = request.params;
      const type = TYPES[file.slice(file.lastIndexOf('.') + 1)];
      if (!type || file.startsWith('.')) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
      let body: Buffer;
      try {
        body = await readFile(new URL(file, ASSETS_DIR));
      } catch {
        const hint = file === 'console.js' ? ' (the console is not built: run `npm run build`)' : '';
        return reply.code(404).type('text/plain; charset=utf-8').send(`not found${hint}`);
      }
      return noStore(reply).type(type).send(body);
    },
  );
}
