// Where a scenario's garbage comes from: a built server under load samples its allocations (what
// the collections free included) and this prints the KiB allocated per request by function, and
// by caller for the built-ins that grow Maps and Sets. Allocation drives the young collections,
// whose work (on helper threads too) is a large part of a request's CPU, and unlike CPU time it
// does not move with this machine's noise.
//   node --import tsx bench/alloc-top.ts [--scenario batch_open_50|batch_open_1|batch_close_50|list|token]
//     [--users 10000] [--duration 5] [--top 30] [--bin bin/sysstatus.js]
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, type RequestSpec } from './load.js';
import { scenarioRequests, seedWork, startSeeded } from './seeded-server.js';
import { frameLabel } from './source-places.js';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'batch_open_50' },
    users: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '5' },
    top: { type: 'string', default: '30' },
    bin: { type: 'string', default: join(import.meta.dirname, '..', 'bin', 'sysstatus.js') },
  },
});

interface SampledNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: SampledNode[];
}

const WORK = join(import.meta.dirname, '..', '.tmp', 'alloc-top');
const users = Number(values.users);
await seedWork(WORK, users);
const profileFile = join(WORK, 'allocations.heapprofile');
process.env.SYSSTATUS_ALLOC_PROFILE = profileFile;
const server = await startSeeded(WORK, 'server', values.bin, '', `--import ${join(import.meta.dirname, 'alloc-preload.mjs')}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let completed: number;
try {
  const load = async (requests: RequestSpec[], durationSec: number) =>
    runLoad({ url: server.url, connections: 50, durationSec, headers: { authorization: `Bearer ${server.token}` }, slots: [requests] });
  const { requests, warmUp } = await scenarioRequests(values.scenario, server, users);
  await load(warmUp, 2);
  rmSync(profileFile, { force: true });
  process.kill(server.pid, 'SIGUSR2');
  completed = (await load(requests, Number(values.duration))).completed;
  process.kill(server.pid, 'SIGUSR2');
  for (let waited = 0; !existsSync(profileFile); waited += 50) {
    if (waited > 30_000) throw new Error('the server wrote no allocation profile');
    await sleep(50);
  }
  await sleep(200);
} finally {
  await server.stop();
}

const label = (node: SampledNode) => frameLabel(node.callFrame);
const bySelf = new Map<string, number>();
/** Map and Set growth, whose frames name only the built-in: by the function that called it. */
const growthByCaller = new Map<string, number>();
let total = 0;
const walk = (node: SampledNode, caller: string) => {
  const name = label(node);
  total += node.selfSize;
  bySelf.set(name, (bySelf.get(name) ?? 0) + node.selfSize);
  if (node.selfSize > 0 && !node.callFrame.url && /^(set|add|Map|Set)$/.test(node.callFrame.functionName)) {
    const key = `${node.callFrame.functionName} in ${caller}`;
    growthByCaller.set(key, (growthByCaller.get(key) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, name);
};
walk((JSON.parse(readFileSync(profileFile, 'utf8')) as { head: SampledNode }).head, '(root)');

const perRequest = (bytes: number) => `${(bytes / 1024 / completed).toFixed(2).padStart(8)} KiB`;
console.log(`${values.scenario}: ${completed} requests, ${perRequest(total).trim()} allocated per request (sampled)`);
console.log('\nby function (self)');
for (const [name, bytes] of [...bySelf].sort((x, y) => y[1] - x[1]).slice(0, Number(values.top))) console.log(`${perRequest(bytes)}  ${name}`);
console.log('\nMap and Set growth, by caller');
for (const [name, bytes] of [...growthByCaller].sort((x, y) => y[1] - x[1]).slice(0, 10)) console.log(`${perRequest(bytes)}  ${name}`);
