import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

/** WAL pages after which the server's own connection checkpoints anyway (the worker is behind or gone). */
const FALLBACK_AUTOCHECKPOINT = 10_000;
/** SQLite's default, restored when the worker fails. */
const DEFAULT_AUTOCHECKPOINT = 1000;

// The worker's whole program, as plain JavaScript: a worker started from a .ts file would not get
// the TypeScript loader that the tests run under. PASSIVE never waits for the server's readers or
// writer; a busy moment just waits for the next turn.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const database = new Database(workerData.file);
const timer = setInterval(() => {
  try {
    database.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    if (error.code !== 'SQLITE_BUSY') throw error;
  }
}, workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  database.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the event loop. By default the connection that commits runs a
 * checkpoint every 1000 WAL pages, fsync included, while every request waits: measured with
 * 50-row upserts, that was more than half of all commit time and every commit slower than 1 ms.
 * A worker thread with its own connection checkpoints every `everyMs` instead, and the
 * server's connection keeps a far-off automatic checkpoint as a safety net.
 */
export function startCheckpointer(database: SqliteDatabase.Database, file: string, everyMs = 100): Checkpointer {
  database.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, everyMs, driver } });
  worker.unref();
  let running = true;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.once('error', () => {
    if (running && database.open) database.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
  });
  return {
    async stop() {
      running = false;
      // Unreferenced so that it never keeps a process alive, but a close waits for it.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
