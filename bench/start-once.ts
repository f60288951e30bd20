// Times one `sysstatus serve --data DIR` from spawn to its first 200 and reads its RSS at rest:
// the by-hand 1M-user start-up measurement (seed the folder once with bench/seed-tenant.ts).
// node --import tsx bench/start-once.ts --data DIR [--mode emulator|production] [--cpu-prof-dir DIR] [--node-arg=--flag …]
// SYSSTATUS_BIN=other/bin/sysstatus.js times another build on the same folder.
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, startServer } from './processes.js';
import { benchSeed, TOKEN_BODY, TOKEN_PATH } from './workload.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { data: { type: 'string' }, mode: { type: 'string', default: 'emulator' }, 'rest-ms': { type: 'string', default: '1500' }, 'cpu-prof-dir': { type: 'string' }, 'node-arg': { type: 'string', multiple: true } } });
if (!values.data) throw new Error('--data DIR');
const seedFile = join(ROOT, '.tmp', 'start-once-seed.json');
mkdirSync(dirname(seedFile), { recursive: true });
writeFileSync(seedFile, JSON.stringify(benchSeed('all')));
const port = await freePort();
const profile = values['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof-dir']}`] : [];
const args = [...profile, ...(values['node-arg'] ?? []), (process.env.SYSSTATUS_BIN ?? join(ROOT, 'bin', 'sysstatus.js')), 'serve', '--data', values.data, '--seed', seedFile, '--port', String(port), '--mode', values.mode!, ...(values.mode === 'production' ? ['--admin-token', 'start-once-admin-token'] : []), '--rate-limits', 'off', '--log-level', 'warn'];
const server = await startServer('sysstatus', args, port, { method: 'POST', path: TOKEN_PATH, body: TOKEN_BODY });
await new Promise((done) => setTimeout(done, Number(values['rest-ms'])));
const memory = server.memory();
await server.stop();
rmSync(seedFile, { force: true });
console.log(JSON.stringify({ coldStartMs: Math.round(server.coldStartMs), restMiB: Math.round(memory.rssMiB), peakMiB: Math.round(memory.peakMiB) }));
