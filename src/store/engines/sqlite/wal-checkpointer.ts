// WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside the commit
// that crosses its threshold (1,000 pages): it copies the WAL into the database file and fsyncs
// both, and the fsyncs take as long as the data they flush (measured on this machine kind: 35–45 ms
// per 4 MiB, 450–640 ms per 64 MiB). Inside an append that is the event loop stopped: under load a
// checkpoint every half second, 50 requests at a time delayed by its length, the p99's tail. Here
// the main connection never checkpoints (wal_autocheckpoint = 0) and a worker's connection to the
// same file does, PASSIVE, which never blocks the writer. Commits are durable as before (the WAL
// is what a crash replays); only where the copying and its fsyncs run changes.
import type SqliteDatabase from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointPolicy {
  /** A checkpoint is asked for this long after the first write since the last one. */
  everyMs: number;
  /**
   * A WAL this many frames long is caught up by the main connection itself, once. A writer
   * rewinds the WAL to its start only when a checkpoint has copied all of it; under steady load
   * an append always lands while the worker's checkpoint runs, so without this the file would
   * grow for as long as the load lasts. What is left to copy then is the last interval's.
   */
  catchUpFrames: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everyMs: 100, catchUpFrames: 8192 };

/** SQLite's own threshold, which the main connection goes back to when the worker is gone. */
const AUTOCHECKPOINT_PAGES = 1000;

/** What PRAGMA wal_checkpoint answers: frames in the WAL, and of them those now in the database. */
interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

// CommonJS, as a worker given code runs it. Answers each request with the checkpoint's result.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const database = new Database(workerData.file);
database.pragma('synchronous = NORMAL');
parentPort.on('message', (message) => {
  if (message === 'close') {
    database.close();
    parentPort.close();
    return;
  }
  parentPort.postMessage(database.pragma('wal_checkpoint(PASSIVE)')[0]);
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  /** Gone (failed, or closed): the main connection checkpoints by itself again. */
  private gone = false;
  private asked = false;
  private wroteSinceAsked = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly exited: Promise<void>;

  constructor(
    private readonly database: SqliteDatabase.Database,
    private readonly policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY,
  ) {
    database.pragma('wal_autocheckpoint = 0');
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    // It holds nothing but a connection: a young generation of 1 MiB instead of 16 (its RSS is ~10 MiB).
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData: { module, file: database.name }, resourceLimits: { maxYoungGenerationSizeMb: 1 } });
    this.worker.on('message', (result: CheckpointResult) => this.answered(result));
    this.worker.on('error', (error) => this.lost(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.lost(new Error('the checkpoint worker exited'));
        resolve();
      }),
    );
    // A store left open (a test's abandoned one, a process about to exit) does not keep the
    // process alive. After the listeners: adding a 'message' listener refs the worker again.
    this.worker.unref();
  }

  /** Pages were written to the WAL (an append, a fold step): a checkpoint follows within everyMs. */
  written(): void {
    if (this.gone) return;
    this.wroteSinceAsked = true;
    if (this.asked || this.timer) return;
    this.timer = setTimeout(() => this.ask(), this.policy.everyMs);
    this.timer.unref();
  }

  private ask() {
    this.timer = undefined;
    if (this.gone) return;
    this.asked = true;
    this.wroteSinceAsked = false;
    this.worker.postMessage('checkpoint');
  }

  private answered(result: CheckpointResult) {
    this.asked = false;
    if (this.gone) return;
    // Nothing else writes while this runs: it copies what the worker's checkpoint did not reach, so
    // that the next append finds the whole WAL copied and starts it over.
    if (result.log >= this.policy.catchUpFrames) {
      try {
        this.database.pragma('wal_checkpoint(PASSIVE)');
      } catch (error) {
        // A checkpoint moves committed pages, it commits nothing: a failed one only leaves a longer WAL.
        process.emitWarning(`change log: a WAL checkpoint failed (${(error as Error).message})`, { code: 'SYSSTATUS_CHECKPOINT' });
      }
    }
    if (this.wroteSinceAsked) this.written();
  }

  private lost(error: unknown) {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.timer);
    if (!this.database.open) return;
    this.database.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    process.emitWarning(`change log: WAL checkpoints are back on the main thread (${(error as Error).message})`, { code: 'SYSSTATUS_CHECKPOINT' });
  }

  /** Stops the worker (its connection closed first, so the main connection's close is the last). */
  async close(): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.timer);
    // Its exit is what the close waits for, so it must keep the event loop alive until then.
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}
