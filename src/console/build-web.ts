// Bundles the console's front-end (src/console/web) into dist/console/assets with esbuild.
// Runs as the last step of `npm run build` (so `npm ci` and `npm start` build it) and from the
// browser tests (so they never test a stale bundle). Never imported by the server.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { ASSETS_DIR } from './assets-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function buildConsoleAssets(): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: { console: 'src/console/web/main.tsx' },
    outdir: fileURLToPath(ASSETS_DIR),
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'safari16', 'firefox115'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
    tsconfig: 'src/console/web/tsconfig.json',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildConsoleAssets();
