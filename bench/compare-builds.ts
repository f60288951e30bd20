// Two builds of sysstatus under the same load, alternated round by round on copies of one seeded
// folder: the server CPU per request of each, and B's over A's. For judging one step of work, where
// `npm run bench` (each build against bare Fastify, in separate runs) is too noisy: build the
// earlier commit in a git worktree and compare its bin/sysstatus.js with this one's.
//   node --import tsx bench/compare-builds.ts --a ../before/bin/sysstatus.js [--b bin/sysstatus.js]
//     [--scenario batch_open_50|batch_open_1|batch_close_50|list|token] [--rounds 6] [--duration 3] [--users 10000]
//     [--a-args "--journal-limit 0"] [--b-args "..."] [--a-node "--max-semi-space-size=8"] [--b-node "..."] [--gc]
// --gc also reads V8's trace of each server's collections: the bytes promoted out of the young
// generation and the young generation's pauses, per request. Those follow what a change keeps
// alive across a collection, and move far less with this machine's noise than CPU time does.
// Each round also reports the event loop's delay (p99 and longest), where a stall that computes
// nothing shows, such as a synchronous fsync.
// Each round starts once its server is idle, its fold of the previous round's log done: the rounds'
// figures are the request path's, and a second line counts each server's CPU between its rounds too.
// Both builds must be built (npm run build in each checkout).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, type LoadResult } from './load.js';
import { httpCall, processCpuMs, type ServerProcess, settleAfter } from './processes.js';
import { scenarioRequests, type SeededServer, seedWork, startSeeded } from './seeded-server.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string', default: join(import.meta.dirname, '..', 'bin', 'sysstatus.js') },
    'a-args': { type: 'string', default: '' },
    'b-args': { type: 'string', default: '' },
    /** Node's own flags for each server (V8 heap settings, say). */
    'a-node': { type: 'string', default: '' },
    'b-node': { type: 'string', default: '' },
    scenario: { type: 'string', default: 'batch_open_50' },
    rounds: { type: 'string', default: '6' },
    duration: { type: 'string', default: '3' },
    users: { type: 'string', default: '10000' },
    gc: { type: 'boolean', default: false },
  },
});
if (!values.a) throw new Error('--a FILE: the bin/sysstatus.js of the build to compare against');

const WORK = join(import.meta.dirname, '..', '.tmp', 'compare-builds');
const users = Number(values.users);
await seedWork(WORK, users);

const gcTrace = values.gc ? ' --trace-gc-nvp' : '';
const a = await startSeeded(WORK, 'A', values.a, values['a-args'], values['a-node'] + gcTrace);
const b = await startSeeded(WORK, 'B', values.b, values['b-args'], values['b-node'] + gcTrace);

/** Young generation collections in a stretch of --trace-gc-nvp output: bytes promoted and pause ms, summed. */
function youngCollections(trace: string): { promoted: number; pauseMs: number } {
  let promoted = 0;
  let pauseMs = 0;
  for (const line of trace.split('\n')) {
    if (!line.includes(' gc=s ')) continue;
    promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
    pauseMs += Number(/ pause=([\d.]+)/.exec(line)?.[1] ?? 0);
  }
  return { promoted, pauseMs };
}
/**
 * The event loop's delay (prom-client's sampling, which starts over at each scrape of /metrics):
 * its longest and its p99 since the last call, in ms. What stops the loop without computing (a
 * synchronous fsync, say) shows here and not in a CPU profile.
 */
async function eventLoopDelay(server: ServerProcess): Promise<{ maxMs: number; p99Ms: number }> {
  const text = (await httpCall(server.url, { method: 'GET', path: '/metrics' })).body;
  const seconds = (name: string) => Number(new RegExp(`^sysstatus_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { maxMs: seconds('max') * 1000, p99Ms: seconds('p99') * 1000 };
}

try {
  const { requests: slot, warmUp } = await scenarioRequests(values.scenario, a, users);

  /** When each server's last round ended: its fold starts a second after its last commit. */
  const ended = new Map<ServerProcess, number>();
  /** Each server's CPU between its rounds (the fold of their log), from the first measured round on. */
  const between = new Map<ServerProcess, number>();
  /** Each server's CPU time when its last round ended or it last settled, once rounds are measured. */
  const cpuAtEnd = new Map<ServerProcess, number>();
  const settle = async (server: ServerProcess) => {
    await settleAfter(server.pid, ended.get(server) ?? 0);
    const end = cpuAtEnd.get(server);
    if (end === undefined) return;
    const now = processCpuMs(server.pid);
    between.set(server, (between.get(server) ?? 0) + now - end);
    cpuAtEnd.set(server, now);
  };
  const load = async (server: SeededServer, durationSec: number, requests = slot) => {
    // Each round starts with both servers' background work from their previous rounds done, so that
    // none of it lands in a round by timing alone (a fold in a round cost 10–25%).
    await settle(a);
    await settle(b);
    // The scrapes of /metrics around the round count in neither its CPU nor the CPU between rounds.
    await eventLoopDelay(server);
    if (cpuAtEnd.has(server)) cpuAtEnd.set(server, processCpuMs(server.pid));
    const cpuBefore = processCpuMs(server.pid);
    // A trace line counts in the run during which it was completed (V8 writes one in pieces).
    const from = server.output().lastIndexOf('\n') + 1;
    const result: LoadResult = await runLoad({ url: server.url, connections: 50, durationSec, headers: { authorization: `Bearer ${server.token}` }, slots: [requests] });
    const completed = Math.max(1, result.completed);
    const cpuMs = (processCpuMs(server.pid) - cpuBefore) / completed;
    ended.set(server, Date.now());
    const trace = server.output();
    const young = youngCollections(trace.slice(from, trace.lastIndexOf('\n') + 1));
    const delay = await eventLoopDelay(server);
    if (cpuAtEnd.has(server)) cpuAtEnd.set(server, processCpuMs(server.pid));
    return {
      completed,
      cpuMs,
      rps: result.okRps,
      p99: result.p99,
      promotedKiB: young.promoted / 1024 / completed,
      scavengeUs: (young.pauseMs * 1000) / completed,
      delayMaxMs: delay.maxMs,
      delayP99Ms: delay.p99Ms,
    };
  };
  await load(a, 2, warmUp);
  await load(b, 2, warmUp);
  // From the warm-up's own fold done on.
  for (const server of [a, b]) {
    await settle(server);
    cpuAtEnd.set(server, processCpuMs(server.pid));
  }
  const runs = { A: [] as Awaited<ReturnType<typeof load>>[], B: [] as Awaited<ReturnType<typeof load>>[] };
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const name of round % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) runs[name].push(await load(name === 'A' ? a : b, Number(values.duration)));
  }
  // The last rounds' folds.
  for (const server of [a, b]) await settle(server);
  const median = (numbers: number[]) => [...numbers].sort((x, y) => x - y)[numbers.length >> 1];
  const young = (name: 'A' | 'B') =>
    values.gc
      ? `, promoted ${median(runs[name].map((run) => run.promotedKiB)).toFixed(2)} KiB/request, young collections ${median(runs[name].map((run) => run.scavengeUs)).toFixed(1)} µs/request`
      : '';
  const line = (name: 'A' | 'B') =>
    `${name}: ${median(runs[name].map((run) => run.cpuMs)).toFixed(3)} ms CPU/request, ${median(runs[name].map((run) => run.rps)).toFixed(0)} req/s, p99 ${median(runs[name].map((run) => run.p99))} ms, event loop delay p99 ${median(runs[name].map((run) => run.delayP99Ms)).toFixed(1)} / max ${median(runs[name].map((run) => run.delayMaxMs)).toFixed(1)} ms, peak RSS ${Math.round((name === 'A' ? a : b).memory().peakMiB)} MiB${young(name)}`;
  console.log(`${values.scenario}, ${values.rounds} rounds × ${values.duration} s, medians`);
  console.log(line('A'));
  console.log(line('B'));
  // Each round's B over the same round's A: their spread shows how far this machine's noise reaches.
  // All of each server's CPU, its rounds' and the folds between them, over all its requests.
  const withFolds = (name: 'A' | 'B') => {
    const server = name === 'A' ? a : b;
    const requests = runs[name].reduce((sum, run) => sum + run.completed, 0);
    return (runs[name].reduce((sum, run) => sum + run.cpuMs * run.completed, 0) + (between.get(server) ?? 0)) / requests;
  };
  console.log(`with the folds between rounds: A ${withFolds('A').toFixed(3)}, B ${withFolds('B').toFixed(3)} ms CPU/request, B/A ${(withFolds('B') / withFolds('A')).toFixed(3)}`);
  const perRound = runs.B.map((run, round) => run.cpuMs / runs.A[round].cpuMs).sort((x, y) => x - y);
  console.log(`B/A CPU per request: ${(median(runs.B.map((run) => run.cpuMs)) / median(runs.A.map((run) => run.cpuMs))).toFixed(3)} (round by round ${perRound[0].toFixed(2)}–${perRound[perRound.length - 1].toFixed(2)})`);
  if (values.gc) {
    const ratio = (of: (run: (typeof runs.A)[number]) => number) => (median(runs.B.map(of)) / median(runs.A.map(of))).toFixed(3);
    console.log(`B/A promoted per request: ${ratio((run) => run.promotedKiB)}; young collections' pauses per request: ${ratio((run) => run.scavengeUs)}`);
  }
} finally {
  await a.stop();
  await b.stop();
}
