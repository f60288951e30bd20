// A real sysstatus process on a data directory, for crash and shutdown tests: started from the
// sources through tsx (no build needed), on a free port, killed however the caller likes.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  /** Resolves when a line matching the pattern has been written. */
  waitFor(pattern: RegExp): Promise<void>;
}

export interface ServerOptions {
  dataDir: string;
  seedFile: string;
  /** A PostgreSQL URL: passed on as --database-url, for when the PostgreSQL engine is part of the build. */
  databaseUrl?: string;
  logLevel?: string;
  /** Embedded engine: --fold-log-bytes (small values fold, and so get killed mid-fold, often). */
  foldLogBytes?: number;
}

export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--rate-limits', 'off', '--seed', options.seedFile, '--log-level', options.logLevel ?? 'warn'];
  if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
  if (options.foldLogBytes) args.push('--fold-log-bytes', String(options.foldLogBytes));
  else args.push('--data', options.dataDir);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(text)) return resolve();
      waiters.push({ pattern, resolve });
      void exited.then((how) => reject(new Error(`server exited (${how}) before printing ${pattern}:\n${text}`)));
    });
  await waitFor(/serving the Feishu system status API at (http:\/\/\S+)/);
  const url = /serving the Feishu system status API at (http:\/\/\S+)/.exec(text)![1].replace('localhost', '127.0.0.1');
  return { child, url, output: () => text, exited, waitFor };
}
