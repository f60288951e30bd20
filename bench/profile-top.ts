// Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof DIR`): self time by function and
// by package or source folder, and total (inclusive) time of the functions that matter.
//   node --import tsx bench/profile-top.ts FILE.cpuprofile [top N] [--under TEXT] [--lines FUNCTION]
// --under keeps only the samples with a frame whose label contains TEXT (a function and its callees).
// --lines prints where in FUNCTION (and what V8 inlined into it) its own time went, line by line of
// the source: which look-up waits on memory, which line allocates.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { frameLabel, originalAt } from './source-places.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  /** Samples by line of the frame's file (1-based), when V8 recorded them. */
  positionTicks?: { line: number; ticks: number }[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const under = option('--under');
const linesOf = option('--lines');
const [file, topArg] = args;
if (!file) throw new Error('usage: profile-top.ts FILE.cpuprofile [N] [--under TEXT] [--lines FUNCTION]');
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  self.set(id, (self.get(id) ?? 0) + delta);
  total += delta;
});

const original = (node: ProfileNode) =>
  originalAt(node.callFrame.url, node.callFrame.lineNumber, (node.callFrame as { columnNumber?: number }).columnNumber ?? 0);
const label = (node: ProfileNode) => frameLabel(node.callFrame);
const bucket = (node: ProfileNode) => {
  const { url } = original(node);
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (module) return module;
  if (/\/(dist|src)\//.test(url)) return url.replace(/^.*\/(dist|src)\//, '$1/').replace(/\/[^/]+$/, '/');
  if (url.startsWith('node:')) return 'node internals';
  return node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : '(native/other)';
};

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const rows = (map: Map<string, number>) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => `${pct(us)}  ${name}`)
    .join('\n');

const selfByFunction = new Map<string, number>();
const selfByBucket = new Map<string, number>();
const inclusive = new Map<string, number>();
const stackHas = (id: number, text: string) => {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (label(byId.get(at)!).includes(text)) return true;
  return false;
};
let kept = 0;
for (const [id, us] of self) {
  if (under !== undefined && !stackHas(id, under)) continue;
  kept += us;
  const node = byId.get(id)!;
  selfByFunction.set(label(node), (selfByFunction.get(label(node)) ?? 0) + us);
  selfByBucket.set(bucket(node), (selfByBucket.get(bucket(node)) ?? 0) + us);
  // Inclusive: credit every distinct frame on the stack once.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
}

const scope = under === undefined ? '' : `; ${pct(kept)} under "${under}", below`;
process.stdout.write(`total ${(total / 1e6).toFixed(2)} s sampled${scope}\n\nself time by package / folder\n${rows(selfByBucket)}\n\n`);
process.stdout.write(`self time by function\n${rows(selfByFunction)}\n\ninclusive time\n${rows(inclusive)}\n`);

if (linesOf !== undefined) {
  const files = new Map<string, string[]>();
  const linesOfFile = (path: string) => {
    if (!files.has(path)) files.set(path, existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []);
    return files.get(path)!;
  };
  /** A bundle's line (1-based) as its source file's line, with that line's text. */
  const sourceLine = (url: string, line: number) => {
    if (!url.startsWith('file://')) return `${url}:${line}`;
    const bundle = fileURLToPath(url);
    // A line maps through its first mapped column, its first non-blank one.
    const column = Math.max(0, linesOfFile(bundle)[line - 1]?.search(/\S/) ?? 0);
    const source = originalAt(url, line - 1, column);
    // A source map names its sources relative to the bundle.
    const path = source.url === url ? bundle : source.url.startsWith('file://') ? fileURLToPath(source.url) : resolve(dirname(bundle), source.url);
    return `${path.replace(/^.*?\/(src|bench|dist|node_modules)\//, '$1/')}:${source.lineNumber + 1}  ${(linesOfFile(path)[source.lineNumber] ?? '').trim().slice(0, 110)}`;
  };
  const ticksByLine = new Map<string, number>();
  let ticks = 0;
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== linesOf) continue;
    for (const { line, ticks: count } of node.positionTicks ?? []) {
      const place = sourceLine(node.callFrame.url, line);
      ticksByLine.set(place, (ticksByLine.get(place) ?? 0) + count);
      ticks += count;
    }
  }
  const byLine = [...ticksByLine.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  process.stdout.write(`\nself time of ${linesOf} by line, of its ${ticks} samples\n`);
  for (const [place, count] of byLine) process.stdout.write(`${((100 * count) / ticks).toFixed(1).padStart(5)}%  ${place}\n`);
}
