// Starting, timing and stopping the servers under test, each in its own process.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

export interface ProbeRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** From spawn to the first HTTP 200 answer to the probe. */
  readonly coldStartMs: number;
  /** Current and peak resident memory, in MiB. */
  memory(): ProcessMemory;
  /** Everything it has written to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface ProcessMemory {
  rssMiB: number;
  peakMiB: number;
}

/** VmRSS and VmHWM of a process (Linux), in MiB. */
export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** CPU time (user + system) a process has used so far, in ms (Linux clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Waits until the process has used no more than a clock tick of CPU in a `windowMs` window (at most
 * `timeoutMs`): background work a round left behind (the embedded engine's fold, which starts a
 * second after the last commit) then finishes outside the next round's measurement.
 */
export async function waitUntilIdle(pid: number, windowMs = 250, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = processCpuMs(pid);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    if (processCpuMs(pid) - before <= 10) return;
  }
}

/**
 * Waits until the embedded engine's fold of a round's log is done: it starts a second after the
 * last commit, so at least `quietMs` after the round ended, then until the process is idle.
 */
export async function settleAfter(pid: number, roundEndedAt: number, quietMs = 1500): Promise<void> {
  const quietFrom = roundEndedAt + quietMs;
  if (Date.now() < quietFrom) await new Promise((resolve) => setTimeout(resolve, quietFrom - Date.now()));
  await waitUntilIdle(pid);
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** One HTTP request; resolves with the status, or rejects on a connection error. */
export function httpCall(url: string, probe: ProbeRequest, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${probe.path}`,
      {
        method: probe.method,
        headers: { ...(probe.body ? { 'content-type': 'application/json' } : {}), ...headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(probe.body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns `node args…` and polls the probe every 2 ms until it answers 200. The time from just
 * before spawn to that answer is the cold start.
 */
export async function startServer(name: string, args: string[], port: number, probe: ProbeRequest, timeoutMs = 120_000): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );

  let coldStartMs = NaN;
  while (Number.isNaN(coldStartMs)) {
    if (exited !== undefined) throw new Error(`${name} exited with ${exited} before answering:\n${output.join('')}`);
    if (performance.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer within ${timeoutMs} ms:\n${output.join('')}`);
    }
    try {
      const response = await httpCall(url, probe);
      if (response.status === 200) coldStartMs = performance.now() - started;
      else throw new Error(`${name} answered the probe with ${response.status}: ${response.body}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw error;
      await sleep(2);
    }
  }

  const pid = child.pid!;
  return {
    name,
    pid,
    url,
    coldStartMs,
    memory: () => processMemory(pid),
    output: () => output.join(''),
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Samples a process's RSS every `everyMs` while work runs; returns the highest sample. */
export async function withRssSampling<T>(pid: number, work: () => Promise<T>, everyMs = 50): Promise<{ result: T; peakRssMiB: number }> {
  let peak = processMemory(pid).rssMiB;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, processMemory(pid).rssMiB);
    } catch {
      // The process is gone; the caller sees why.
    }
  }, everyMs);
  try {
    const result = await work();
    peak = Math.max(peak, processMemory(pid).rssMiB);
    return { result, peakRssMiB: peak };
  } finally {
    clearInterval(timer);
  }
}

/** Runs `node args…` to completion and returns its standard output. */
export function runNode(args: string[], options: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString());
      else reject(new Error(`node ${args.join(' ')} exited with ${code}:\n${Buffer.concat(err).toString()}${Buffer.concat(out).toString()}`));
    });
  });
}
