// The embedded engine's durability: every committed transaction is one appended row of
// sysstatus_change_log (a sequential write, not ~50 random B-tree pages), and the tables of
// schema.ts are brought up to date in the background by folding the latest image of each
// changed row into them. The tables plus the unfolded log are the whole state: a start loads
// the tables and replays the log over them. Row images are absolute, so replaying a record
// over tables that a fold already brought further is harmless, and a crash mid-fold loses nothing.
import type SqliteDatabase from 'better-sqlite3';
import type { ChangeSink, RowChange } from '../../memory/memory-store.js';
import type { MemoryState } from '../../memory/state.js';
import { CODECS } from '../../memory/tables.js';

export interface FoldPolicy {
  /** Fold once this many bytes of records wait (bounds the log and the replay at start). */
  maxLogBytes: number;
  /** Fold once this many distinct rows wait. */
  maxDirtyRows: number;
  /** Fold after this long without a commit. */
  idleMs: number;
  /** Rows written per fold step; the event loop serves requests between steps. */
  stepRows: number;
}

export const DEFAULT_FOLD_POLICY: FoldPolicy = { maxLogBytes: 128 * 1024 * 1024, maxDirtyRows: 250_000, idleMs: 1000, stepRows: 400 };

const LOG_TABLE = 'sysstatus_change_log';

export class ChangeLog implements ChangeSink {
  /** The latest image of every row changed since its last fold, by table and key. */
  private dirty = new Map<string, RowChange>();
  private lastSeq = 0;
  private pendingBytes = 0;
  private folding: Promise<void> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly append_: SqliteDatabase.Statement<[string]>;
  private readonly truncate: SqliteDatabase.Statement<[number]>;
  private readonly upserts: SqliteDatabase.Statement[];
  private readonly deletes: SqliteDatabase.Statement[];

  constructor(
    private readonly database: SqliteDatabase.Database,
    private readonly policy: FoldPolicy = DEFAULT_FOLD_POLICY,
  ) {
    database.exec(`create table if not exists ${LOG_TABLE} (seq integer primary key, changes text not null)`);
    this.append_ = database.prepare(`insert into ${LOG_TABLE} (changes) values (?)`);
    this.truncate = database.prepare(`delete from ${LOG_TABLE} where seq <= ?`);
    this.upserts = CODECS.map((codec) =>
      database.prepare(`insert or replace into ${codec.name} (${codec.columns.join(', ')}) values (${codec.columns.map(() => '?').join(', ')})`),
    );
    this.deletes = CODECS.map((codec) =>
      database.prepare(`delete from ${codec.name} where ${codec.columns.slice(0, codec.keyColumns).map((column) => `${column} = ?`).join(' and ')}`),
    );
  }

  /** Loads the tables and replays the unfolded log into the state. */
  load(state: MemoryState): void {
    CODECS.forEach((codec, index) => {
      const rows = this.database.prepare(`select ${codec.columns.join(', ')} from ${codec.name}`).raw().iterate() as Iterable<unknown[]>;
      for (const values of rows) state.apply(index, values, []);
    });
    const records = this.database.prepare(`select seq, changes from ${LOG_TABLE} order by seq`).raw().iterate() as Iterable<[number, string]>;
    for (const [seq, text] of records) {
      const changes = JSON.parse(text) as RowChange[];
      for (const change of changes) state.apply(change[0], change[1], change[2] ?? []);
      this.remember(changes, text.length);
      this.lastSeq = seq;
    }
  }

  append(changes: readonly RowChange[]): void {
    if (this.closed) throw new Error('change log: closed');
    const text = JSON.stringify(changes);
    this.lastSeq = Number(this.append_.run(text).lastInsertRowid);
    this.remember(changes, text.length);
    if (this.pendingBytes >= this.policy.maxLogBytes || this.dirty.size >= this.policy.maxDirtyRows) void this.fold();
    else this.armIdleFold();
  }

  private remember(changes: readonly RowChange[], bytes: number) {
    for (const change of changes) {
      const codec = CODECS[change[0]];
      const key = change[1] ? change[1].slice(0, codec.keyColumns) : change[2]!;
      this.dirty.set(`${change[0]}\u0000${key.join('\u0000')}`, change);
    }
    this.pendingBytes += bytes;
  }

  private armIdleFold() {
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => void this.fold(), this.policy.idleMs);
      this.idleTimer.unref();
    }
  }

  /** Folds what is dirty now into the tables, in steps; resolves when the log up to now is gone. */
  fold(): Promise<void> {
    if (this.folding) return this.folding;
    if (this.dirty.size === 0 && this.pendingBytes === 0) return Promise.resolve();
    const images = [...this.dirty.values()];
    const throughSeq = this.lastSeq;
    this.dirty = new Map();
    this.pendingBytes = 0;
    const run = async () => {
      // The first step runs now; the rest each in a later turn of the event loop.
      for (let start = 0; ; start += this.policy.stepRows) {
        const last = start + this.policy.stepRows >= images.length;
        this.writeStep(images.slice(start, start + this.policy.stepRows), last ? throughSeq : undefined);
        if (last) return;
        if (!this.closed) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const folding = run().finally(() => {
      if (this.folding === folding) this.folding = undefined;
    });
    this.folding = folding;
    return this.folding;
  }

  private writeStep(images: readonly RowChange[], truncateThrough: number | undefined) {
    this.database.transaction(() => {
      for (const image of images) {
        if (image[1]) this.upserts[image[0]].run(image[1]);
        else this.deletes[image[0]].run(image[2]);
      }
      if (truncateThrough !== undefined) this.truncate.run(truncateThrough);
    })();
  }

  /** Folds everything, so the tables alone hold the state, and closes the database. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.folding;
    this.closed = true;
    await this.fold();
    this.database.close();
  }
}
