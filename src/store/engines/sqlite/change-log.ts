// The embedded engine's durability: the transactions committed in one turn of the event loop
// are one appended row of sysstatus_change_log (a sequential write, not ~50 random B-tree
// pages), and the tables of schema.ts are brought up to date in the background by folding the
// latest image of each changed row into them. The tables plus the unfolded log are the whole
// state: a start loads the tables and replays the log over them. Row images are absolute, so replaying a record
// over tables that a fold already brought further is harmless, and a crash mid-fold loses nothing.
// A clean close also writes the state's image (state-image-file.ts), which the next start loads
// instead of the tables when it is still valid.
import type SqliteDatabase from 'better-sqlite3';
import type { ChangeSink, RowChange } from '../../memory/memory-store.js';
import { MemoryState, Nested } from '../../memory/state.js';
import { CODECS, tableNumber, usersCodec } from '../../memory/tables.js';
import type { ImagePoint, StateImageFile } from './state-image-file.js';

/** A point a test may stop the process at, as a crash would: a fold step before or after its commit, or one of the image's. */
export type StopPoint = 'fold:before-commit' | 'fold:after-commit' | ImagePoint;

/** What a test's stop throws: the process ends there, nothing after it runs. */
export class ProcessStop extends Error {}

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

// A record is the JSON of its changes, made compact because a batch writes many rows that differ
// in a few columns: a value equal to the same column of the previous image of its table in the
// record is written as `true` (SQL values are never booleans), and trailing `true`s are left out.
// A 50-user batch_open is about 2.5 kB instead of 8.5 kB: one WAL page instead of three.
const SAME = true;

export function encodeRecord(changes: readonly RowChange[]): string {
  const previous: (unknown[] | undefined)[] = [];
  const out: unknown[] = [];
  for (const change of changes) {
    const values = change[1];
    const before = previous[change[0]];
    if (!values || !before) {
      out.push(change);
      if (values) previous[change[0]] = values;
      continue;
    }
    let length = values.length;
    while (length > 0 && values[length - 1] === before[length - 1]) length--;
    const compact = new Array<unknown>(length);
    for (let i = 0; i < length; i++) compact[i] = values[i] === before[i] ? SAME : values[i];
    out.push([change[0], compact]);
    previous[change[0]] = values;
  }
  return JSON.stringify(out);
}

export function decodeRecord(text: string): RowChange[] {
  const changes = JSON.parse(text) as RowChange[];
  const previous: (unknown[] | undefined)[] = [];
  for (const change of changes) {
    const values = change[1];
    if (!values) continue;
    const before = previous[change[0]];
    if (before) {
      for (let i = 0; i < before.length; i++) if (i >= values.length || values[i] === SAME) values[i] = before[i];
    }
    previous[change[0]] = values;
  }
  return changes;
}

export class ChangeLog implements ChangeSink {
  /** The latest image of every row changed since its last fold, per table by key. */
  private dirty = CODECS.map((codec) => new Nested<RowChange>(codec.keyColumns));
  private dirtyRows = 0;
  private lastSeq = 0;
  private pendingBytes = 0;
  private folding: Promise<void> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private state: MemoryState | undefined;
  /** A row names a state image: the first fold step removes it (state-image-file.ts). */
  private imageNamed = false;
  /** Loaded from the image, and nothing has changed since. */
  private imageUnchanged = false;
  private readonly append_: SqliteDatabase.Statement<[string]>;
  private readonly truncate: SqliteDatabase.Statement<[number]>;
  private readonly upserts: SqliteDatabase.Statement[];
  private readonly deletes: SqliteDatabase.Statement[];

  constructor(
    private readonly database: SqliteDatabase.Database,
    private readonly policy: FoldPolicy = DEFAULT_FOLD_POLICY,
    private readonly image?: StateImageFile,
    private readonly stopAt?: (point: StopPoint) => void,
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

  /** The state: the valid image's, or the tables', with the unfolded log replayed over it. */
  load(): MemoryState {
    this.image?.removeSaved();
    this.imageNamed = this.image?.isNamed() ?? false;
    const image = this.image?.read();
    const state = image?.state ?? this.loadTables();
    this.state = state;
    const replayed = this.replay(state);
    this.imageUnchanged = image !== undefined && !replayed;
    return state;
  }

  private loadTables(): MemoryState {
    const state = new MemoryState();
    // Users first: the rows that name a user share its user_id string (memory/compact-tables.ts).
    const users = tableNumber(usersCodec);
    for (const index of [users, ...[...CODECS.keys()].filter((other) => other !== users)]) {
      const codec = CODECS[index];
      const rows = this.database.prepare(`select ${codec.columns.join(', ')} from ${codec.name}`).raw().iterate() as Iterable<unknown[]>;
      for (const values of rows) state.apply(index, values, []);
    }
    return state;
  }

  /** Replays the log over the state; whether it held anything. */
  private replay(state: MemoryState): boolean {
    let replayed = false;
    const records = this.database.prepare(`select seq, changes from ${LOG_TABLE} order by seq`).raw().iterate() as Iterable<[number, string]>;
    for (const [seq, text] of records) {
      const changes = decodeRecord(text);
      for (const change of changes) state.apply(change[0], change[1], change[2] ?? []);
      this.remember(changes, text.length);
      this.lastSeq = seq;
      replayed = true;
    }
    return replayed;
  }

  /** The state's image kept on disk beside the database (state-image-file.ts), or undefined without a file. */
  saveImage(state: MemoryState): { read(): { bytes: Buffer; id: string } } | undefined {
    return this.image?.save(state, this.imageUnchanged);
  }

  /** The records of several transactions become one log row: replayed in order, durable together. */
  append(records: readonly (readonly RowChange[])[]): void {
    if (this.closed) throw new Error('change log: closed');
    const changes = records.length === 1 ? records[0] : records.flat();
    const text = encodeRecord(changes);
    this.lastSeq = Number(this.append_.run(text).lastInsertRowid);
    this.imageUnchanged = false;
    this.remember(changes, text.length);
    if (this.pendingBytes >= this.policy.maxLogBytes || this.dirtyRows >= this.policy.maxDirtyRows) this.foldInBackground();
    else this.armIdleFold();
  }

  private remember(changes: readonly RowChange[], bytes: number) {
    // An image's values start with its key columns, so they serve as its key.
    for (const change of changes) if (this.dirty[change[0]].set(change[1] ?? change[2]!, change) === undefined) this.dirtyRows++;
    this.pendingBytes += bytes;
  }

  private armIdleFold() {
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => this.foldInBackground(), this.policy.idleMs);
      this.idleTimer.unref();
    }
  }

  private foldInBackground() {
    // A test's stop ends the fold as a killed process would; any other failure stays unhandled, as before.
    this.fold().catch((error: unknown) => {
      if (!(error instanceof ProcessStop)) throw error;
    });
  }

  /** Folds what is dirty now into the tables, in steps; resolves when the log up to now is gone. */
  fold(): Promise<void> {
    if (this.folding) return this.folding;
    if (this.dirtyRows === 0 && this.pendingBytes === 0) return Promise.resolve();
    const images = this.dirty.flatMap((table) => [...table.values()]);
    const throughSeq = this.lastSeq;
    this.dirty = CODECS.map((codec) => new Nested<RowChange>(codec.keyColumns));
    this.dirtyRows = 0;
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
      // Before any table changes: once this fold truncates the log, image + log are not the state.
      if (this.imageNamed) this.image!.forgetInTransaction();
      for (const image of images) {
        if (image[1]) this.upserts[image[0]].run(image[1]);
        else this.deletes[image[0]].run(image[2]);
      }
      if (truncateThrough !== undefined) this.truncate.run(truncateThrough);
      this.stopAt?.('fold:before-commit');
    })();
    this.imageNamed = false;
    this.stopAt?.('fold:after-commit');
  }

  /**
   * Folds everything, so the tables alone hold the state, writes the state's image (unless the
   * valid one already is it) and closes the database. A failed image costs the next start its
   * speed, not data: it is reported and the close goes on.
   */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.folding;
    this.closed = true;
    await this.fold();
    if (this.image && this.state && !(this.imageNamed && this.imageUnchanged)) {
      try {
        this.image.write(this.state);
      } catch (error) {
        if (error instanceof ProcessStop) throw error;
        process.emitWarning(`state image not written (${(error as Error).message}): the next start loads the tables`, { code: 'SYSSTATUS_STATE_IMAGE' });
      }
    }
    this.image?.removeSaved();
    this.database.close();
  }
}
