// Drives a server with autocannon and reduces the run to the figures the report needs.
import autocannon, { type AutocannonRequest } from 'autocannon';

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** One slot of a workload: a pool of requests of one kind, used round robin. */
export type Slot = readonly RequestSpec[];

export interface LoadOptions {
  url: string;
  connections: number;
  durationSec: number;
  headers?: Record<string, string>;
  /** Each connection cycles through the slots in order. */
  slots: readonly Slot[];
  /** Called with every response (status, body, headers), e.g. to time the 429s. */
  onResponse?: (status: number, body: string, headers: Record<string, string>) => void;
}

export interface LoadResult {
  durationSec: number;
  /** Completed requests per second (any status). */
  rps: number;
  okRps: number;
  completed: number;
  /** CPU time the server process used per completed request (set by the caller, which knows the pid). */
  cpuMsPerRequest?: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Per-user results of batch answers, by result value. */
  results: Record<string, number>;
  /** Users whose status a batch answer reported as changed (results starting with "success"), per second. */
  changesPerSec: number;
}

const RESULT = /"result":"([a-z_]+)"/g;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const results: Record<string, number> = {};
  let changes = 0;
  const onResponse = (status: number, body: string, _context: unknown, headers: Record<string, string>) => {
    options.onResponse?.(status, body, headers);
    if (status !== 200 || !body.includes('"result_list"')) return;
    for (const match of body.matchAll(RESULT)) {
      const value = match[1];
      results[value] = (results[value] ?? 0) + 1;
      if (value.startsWith('success')) changes++;
    }
  };
  const requests: AutocannonRequest[] = options.slots.map((pool) => {
    let next = 0;
    return {
      method: pool[0].method,
      path: pool[0].path,
      ...(pool[0].body !== undefined ? { body: pool[0].body } : {}),
      setupRequest(request) {
        const spec = pool[next++ % pool.length];
        request.method = spec.method;
        request.path = spec.path;
        if (spec.body !== undefined) request.body = spec.body;
        return request;
      },
      onResponse,
    };
  });
  const run = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSec,
    timeout: 30,
    headers: { 'content-type': 'application/json', ...options.headers },
    requests,
  });
  const durationSec = run.duration;
  const statuses = Object.fromEntries(Object.entries(run.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    durationSec,
    rps: run.requests.total / durationSec,
    okRps: (statuses['200'] ?? 0) / durationSec,
    completed: run.requests.total,
    p50: run.latency.p50,
    p99: run.latency.p99,
    statuses,
    errors: run.errors,
    timeouts: run.timeouts,
    results,
    changesPerSec: changes / durationSec,
  };
}
