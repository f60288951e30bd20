// Bundles the server (src/cli/main.ts and the packages it loads at start) into
// dist/server/sysstatus.mjs with esbuild, which bin/sysstatus.js runs. Loading one file instead of
// about a thousand modules is what brings the cold start near bare Fastify's. Runs as the last step
// of `npm run build`. Never imported by the server.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Left to Node's own loader: the native SQLite binding, what is loaded only on first use (pg,
 * ioredis, yaml, the API docs — bundling them would only make the lazy chunks bigger) and the
 * Swagger UI, which serves files from its own package folder.
 */
const EXTERNAL = ['better-sqlite3', 'pg', 'ioredis', 'yaml', '@fastify/swagger', '@fastify/swagger-ui'];

export async function buildServerBundle(): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: { sysstatus: 'src/cli/main.ts' },
    // Two levels below the package, like src/console and dist/console: see src/console/assets-dir.ts.
    outdir: 'dist/server',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // The modules main.ts imports on first use (the seed reader, the PostgreSQL engine, the Redis
    // limiters, export/import) become chunks of their own, loaded only when they are imported.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // The bundled CommonJS packages require Node's built-ins.
    banner: { js: "import { createRequire as __sysstatusCreateRequire } from 'node:module';\nconst require = __sysstatusCreateRequire(import.meta.url);" },
    // For stack traces under --enable-source-maps; Node does not read the map otherwise.
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'linked',
    logLevel: 'warning',
    tsconfig: 'tsconfig.build.json',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildServerBundle();
