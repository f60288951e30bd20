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
import { MemoryState, Nested, OPEN_STRIDE, type OpenDefinition } from '../../memory/state.js';
import { CODECS, opensCodec, statusesCodec, type TableCodec, tableNumber, usersCodec } from '../../memory/tables.js';
import type { ImagePoint, StateImageFile } from './state-image-file.js';
import type { WalCheckpointer } from './wal-checkpointer.js';

/** A point a test may stop the process at, as a crash would: a fold step before or after its commit, or one of the image's. */
export type StopPoint = 'fold:before-commit' | 'fold:after-commit' | ImagePoint;

/** What a test's stop throws: the process ends there, nothing after it runs. */
export class ProcessStop extends Error {}

export interface FoldPolicy {
  /** Fold once this many bytes of records wait (bounds the log and the replay at start). */
  maxLogBytes: number;
  /** A fold takes the log up to where this many distinct rows changed (their keys are held while it runs); a longer log takes several. */
  maxDirtyRows: number;
  /** Fold after this long without a commit. */
  idleMs: number;
  /** Rows written per fold step; the event loop serves requests between steps. */
  stepRows: number;
}

export const DEFAULT_FOLD_POLICY: FoldPolicy = { maxLogBytes: 128 * 1024 * 1024, maxDirtyRows: 250_000, idleMs: 1000, stepRows: 400 };

const LOG_TABLE = 'sysstatus_change_log';
/** The table whose puts a fold learns from the state (OpensTable.takeWritten), not from the log. */
const OPENS = tableNumber(opensCodec);

/** better-sqlite3's SqliteError: its code names SQLite's result code. */
function isSqliteError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_');
}

// A record is its changes in a small binary form (a BLOB), made compact because a batch writes
// many rows that differ in a few columns: a value equal to the same column of the previous image
// of its table in the record is one byte, and trailing repeats are left out. A 50-user batch_open
// is about 1.5 kB. Binary rather than JSON because JSON.stringify and SQLite's conversion of the
// (two-byte, once a title is Chinese) text cost more than the rest of the commit. Records written
// by earlier releases are JSON text, where a repeated value is `true`; both decode.
const FORMAT = 1;
const PUT = 0;
const DELETE = 1;
const SAME = 0;
const NULL = 1;
const TEXT = 2;
const INT32 = 3;
const FLOAT64 = 4;
/** Text of up to 42 UTF-16 units (so at most 126 bytes): its length in one byte. */
const SHORT_TEXT = 5;

/** The encoder's buffer, reused: SQLite copies a bound BLOB. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** A copy of the buffer's first `used` bytes in one of at least `needed` bytes (and twice its length). */
function grown(buffer: Buffer<ArrayBuffer>, used: number, needed: number): Buffer<ArrayBuffer> {
  const larger = Buffer.allocUnsafe(Math.max(buffer.length * 2, needed));
  buffer.copy(larger, 0, 0, used);
  return larger;
}

function reserve(at: number, bytes: number): void {
  if (at + bytes > scratch.length) scratch = grown(scratch, at, at + bytes);
}

function writeValue(value: unknown, at: number): number {
  if (value === null || value === undefined) {
    reserve(at, 1);
    scratch[at] = NULL;
    return at + 1;
  }
  if (typeof value === 'number') {
    reserve(at, 9);
    if ((value | 0) === value && !Object.is(value, -0)) {
      scratch[at] = INT32;
      scratch.writeInt32LE(value, at + 1);
      return at + 5;
    }
    scratch[at] = FLOAT64;
    scratch.writeDoubleLE(value, at + 1);
    return at + 9;
  }
  if (typeof value !== 'string') throw new TypeError(`change log: a value of type ${typeof value}`);
  const length = value.length;
  const short = length <= 42;
  const header = short ? 2 : 5;
  reserve(at, header + 3 * length);
  scratch[at] = short ? SHORT_TEXT : TEXT;
  let end = at + header;
  // Most values are short ASCII ids: copied byte by byte, no call into C++.
  let i = 0;
  for (; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x80) break;
    scratch[end++] = code;
  }
  if (i < length) end += scratch.write(value.slice(i), end, 'utf8');
  if (short) scratch[at + 1] = end - at - header;
  else scratch.writeUInt32LE(end - at - header, at + 1);
  return end;
}

/** The record as a new Buffer. */
export function encodeRecord(changes: readonly RowChange[]): Buffer {
  return Buffer.from(encodeIntoScratch(changes));
}

/** A transaction's changes as one record: a view of the encoder's buffer, valid until the next encoding. */
function encodeIntoScratch(changes: readonly RowChange[]): Buffer {
  const previous: (unknown[] | undefined)[] = [];
  let at = 0;
  reserve(0, 1);
  scratch[at++] = FORMAT;
  for (const change of changes) {
    const table = change[0];
    const values = change[1];
    reserve(at, 3);
    scratch[at++] = table;
    if (!values) {
      const key = change[2]!;
      scratch[at++] = DELETE;
      scratch[at++] = key.length;
      for (const value of key) at = writeValue(value, at);
      continue;
    }
    const before = previous[table];
    previous[table] = values;
    let length = values.length;
    if (before) while (length > 0 && values[length - 1] === before[length - 1]) length--;
    scratch[at++] = PUT;
    scratch[at++] = length;
    for (let i = 0; i < length; i++) {
      if (before && values[i] === before[i]) {
        reserve(at, 1);
        scratch[at++] = SAME;
      } else at = writeValue(values[i], at);
    }
  }
  return scratch.subarray(0, at);
}

/** A binary record's fields and values, read in order (decodeBinary, recordKeys). */
class RecordReader {
  private at = 1;
  private readonly view: Buffer;

  constructor(record: Uint8Array) {
    this.view = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
    if (this.view[0] !== FORMAT) throw new Error(`change log: a record of unknown format ${this.view[0]}`);
  }

  get done(): boolean {
    return this.at >= this.view.length;
  }

  byte(): number {
    return this.view[this.at++];
  }

  /** Whether the next value is SAME (then passed over). */
  same(): boolean {
    if (this.view[this.at] !== SAME) return false;
    this.at++;
    return true;
  }

  /** Passes over the next value, its length read from its tag. */
  skip(): void {
    const { view } = this;
    const tag = view[this.at++];
    if (tag === NULL) return;
    if (tag === INT32) this.at += 4;
    else if (tag === FLOAT64) this.at += 8;
    else if (tag === SHORT_TEXT) this.at += 1 + view[this.at];
    else if (tag === TEXT) this.at += 4 + view.readUInt32LE(this.at);
    else throw new Error(`change log: a value of unknown kind ${tag}`);
  }

  value(): unknown {
    const { view } = this;
    const start = this.at;
    const tag = view[start];
    this.skip();
    if (tag === NULL) return null;
    if (tag === INT32) return view.readInt32LE(start + 1);
    if (tag === FLOAT64) return view.readDoubleLE(start + 1);
    return view.toString('utf8', start + (tag === SHORT_TEXT ? 2 : 5), this.at);
  }
}

function decodeBinary(record: Uint8Array): RowChange[] {
  const reader = new RecordReader(record);
  const changes: RowChange[] = [];
  const previous: (unknown[] | undefined)[] = [];
  while (!reader.done) {
    const table = reader.byte();
    const kind = reader.byte();
    const count = reader.byte();
    if (kind === DELETE) {
      const key: unknown[] = [];
      for (let i = 0; i < count; i++) key.push(reader.value());
      changes.push([table, null, key]);
      continue;
    }
    const before = previous[table];
    const values: unknown[] = [];
    for (let i = 0; i < count; i++) values.push(reader.same() ? before![i] : reader.value());
    if (before) for (let i = count; i < before.length; i++) values.push(before[i]);
    previous[table] = values;
    changes.push([table, values]);
  }
  return changes;
}

/** Records of releases before the binary form: JSON, a repeated value written as `true`. */
function decodeJson(text: string): RowChange[] {
  const changes = JSON.parse(text) as RowChange[];
  const previous: (unknown[] | undefined)[] = [];
  for (const change of changes) {
    const values = change[1];
    if (!values) continue;
    const before = previous[change[0]];
    if (before) {
      for (let i = 0; i < before.length; i++) if (i >= values.length || values[i] === true) values[i] = before[i];
    }
    previous[change[0]] = values;
  }
  return changes;
}

export function decodeRecord(record: string | Uint8Array): RowChange[] {
  return typeof record === 'string' ? decodeJson(record) : decodeBinary(record);
}

/**
 * Each change's table and key (its first key columns) in a record, without making the other
 * values; the puts of table `skipPutsOf` are passed over without reading even their keys.
 */
export function recordKeys(record: string | Uint8Array, each: (table: number, key: unknown[]) => void, skipPutsOf = -1): void {
  if (typeof record === 'string') {
    for (const change of decodeJson(record)) {
      if (change[1] && change[0] === skipPutsOf) continue;
      each(change[0], (change[1] ?? change[2]!).slice(0, CODECS[change[0]].keyColumns));
    }
    return;
  }
  const reader = new RecordReader(record);
  const previous: (unknown[] | undefined)[] = [];
  while (!reader.done) {
    const table = reader.byte();
    const kind = reader.byte();
    const count = reader.byte();
    const keyColumns = CODECS[table].keyColumns;
    const key: unknown[] = [];
    if (kind === DELETE) {
      for (let i = 0; i < count; i++) key.push(reader.value());
    } else if (table === skipPutsOf) {
      // Its puts' SAME values refer to its own earlier puts only, which are passed over too.
      for (let i = 0; i < count; i++) if (!reader.same()) reader.skip();
      continue;
    } else {
      const before = previous[table];
      for (let i = 0; i < count; i++) {
        if (reader.same()) {
          if (i < keyColumns) key.push(before![i]);
        } else if (i < keyColumns) key.push(reader.value());
        else reader.skip();
      }
      for (let i = count; i < keyColumns; i++) key.push(before![i]);
      previous[table] = key;
    }
    each(table, key);
  }
}

/**
 * The statement that writes a row image. An update in place where the key exists: REPLACE would
 * delete the row and insert it again, rewriting every index entry of it, for rows whose changes
 * (end_time, a name, a toggle) touch no index. REPLACE stays where another unique key may collide
 * (a status's priority): images are folded in any order, and the row that holds the priority now
 * is dirty too, so its own image follows in the same fold.
 */
function upsertStatement(codec: TableCodec<unknown>): string {
  const columns = codec.columns.join(', ');
  const values = codec.columns.map(() => '?').join(', ');
  if (codec === statusesCodec) return `insert or replace into ${codec.name} (${columns}) values (${values})`;
  const key = codec.columns.slice(0, codec.keyColumns).join(', ');
  const rest = codec.columns.slice(codec.keyColumns);
  const update = rest.length === 0 ? 'do nothing' : `do update set ${rest.map((column) => `${column} = excluded.${column}`).join(', ')}`;
  return `insert into ${codec.name} (${columns}) values (${values}) on conflict (${key}) ${update}`;
}

/** Key parts in UTF-16 code unit order: SQLite's BINARY order for every text but astral characters, where a miss costs locality only. */
const byPart = (x: unknown, y: unknown) => (x === y ? 0 : (x as string) < (y as string) ? -1 : 1);

/** The keys held in nested maps (`depth` levels), in key order, made one at a time. */
function* keysInOrder(node: { keys(): Iterable<unknown>; get(key: unknown): unknown }, depth: number, prefix: unknown[] = []): Generator<unknown[]> {
  for (const part of [...node.keys()].sort(byPart)) {
    if (depth === 1) yield [...prefix, part];
    else yield* keysInOrder(node.get(part) as typeof node, depth - 1, [...prefix, part]);
  }
}

/** One fold step's rows, and whether it is the fold's last (the one that truncates the log). */
interface Batch {
  rows: [table: number, key: unknown[]][];
  last: boolean;
}

/**
 * A fold under way, of the log up to throughSeq: first the keys it has read from the log's records
 * up to readSeq, then, table by table, those keys in key order as it writes their rows. The keys
 * are the nested maps' paths, so that a fold of 100k rows holds no array per key.
 */
interface Fold {
  readSeq: number;
  /** Per table, the keys read so far (as nested maps: the key is the path). */
  keys: Nested<true>[];
  /** The distinct rows and the bytes of the records read. */
  rowCount: number;
  bytes: number;
  /** Stopped early: the log up to where it was asked to fold is longer. */
  capped: boolean;
  /** The users whose opens this fold writes (OpensTable.takeWritten), by tenant, sorted. */
  writtenOpens: (readonly [tenantKey: string, userIds: string[]])[];
  /** Once the keys are read: each table's keys in key order, and the table being written. */
  rows: Generator<unknown[]> | undefined;
  table: number;
  /** The rows of the step under way, until its transaction commits. */
  batch: Batch | undefined;
  throughSeq: number;
  done: () => void;
}

export class ChangeLog implements ChangeSink {
  // Which rows changed is not kept per commit: a fold reads the keys back from the log it folds,
  // but for the opens' puts, whose users the state lists for it (OpensTable.takeWritten).
  // (Keeping each change's image until the fold kept them alive past the young generation, a
  // quarter of a busy server's CPU in collections; keeping their keys in maps still cost a tenth
  // of a 50-user batch_open's CPU and ~20 MiB of a 10k-user tenant's heap under load.)
  private lastSeq = 0;
  /** Bytes of the log's records that no fold has taken yet. */
  private pendingBytes = 0;
  /** The next append's record: the transactions staged since the last one (SQLite copies a bound BLOB). */
  private staged = Buffer.allocUnsafe(64 * 1024);
  private stagedBytes = 0;
  private current: Fold | undefined;
  private folding: Promise<void> | undefined;
  private stepQueued = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** After a background step failed: when it is tried again (nothing else steps until then). */
  private retryTimer: NodeJS.Timeout | undefined;
  /** Background steps that failed in a row: each waits twice as long before it is tried again. */
  private failuresInRow = 0;
  private closed = false;
  private state: MemoryState | undefined;
  private settled: () => boolean = () => true;
  /** A row names a state image: the first fold step removes it (state-image-file.ts). */
  private imageNamed = false;
  /** Loaded from the image, and nothing has changed since. */
  private imageUnchanged = false;
  private readonly append_: SqliteDatabase.Statement<[Buffer]>;
  private readonly truncate: SqliteDatabase.Statement<[number]>;
  private readonly records: SqliteDatabase.Statement<[number, number, number], [number, string | Buffer]>;
  private readonly upserts: SqliteDatabase.Statement[];
  private readonly deletes: SqliteDatabase.Statement[];

  constructor(
    private readonly database: SqliteDatabase.Database,
    private readonly policy: FoldPolicy = DEFAULT_FOLD_POLICY,
    private readonly image?: StateImageFile,
    private readonly stopAt?: (point: StopPoint) => void,
    private readonly checkpointer?: WalCheckpointer,
  ) {
    database.exec(`create table if not exists ${LOG_TABLE} (seq integer primary key, changes text not null)`);
    this.append_ = database.prepare(`insert into ${LOG_TABLE} (changes) values (?)`);
    this.truncate = database.prepare(`delete from ${LOG_TABLE} where seq <= ?`);
    this.records = database.prepare(`select seq, changes from ${LOG_TABLE} where seq > ? and seq <= ? order by seq limit ?`).raw() as SqliteDatabase.Statement<[number, number, number], [number, string | Buffer]>;
    this.upserts = CODECS.map((codec) => database.prepare(upsertStatement(codec)));
    this.deletes = CODECS.map((codec) =>
      database.prepare(`delete from ${codec.name} where ${codec.columns.slice(0, codec.keyColumns).map((column) => `${column} = ?`).join(' and ')}`),
    );
  }

  /**
   * How the store says that every change in memory is durable (no transaction running, none
   * awaiting its append): only then may a fold step write rows as the state holds them.
   */
  foldWhen(settled: () => boolean): void {
    this.settled = settled;
  }

  /** The state: the valid image's, or the tables', with the unfolded log replayed over it. */
  load(): MemoryState {
    this.image?.removeSaved();
    this.imageNamed = this.image?.isNamed() ?? false;
    const image = this.image?.read();
    const state = image ?? this.loadTables();
    this.state = state;
    // The opens replayed from here on are changes the tables may not have yet.
    state.opens.trackWrites();
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
    const records = this.database.prepare(`select seq, changes from ${LOG_TABLE} order by seq`).raw().iterate() as Iterable<[number, string | Buffer]>;
    for (const [seq, record] of records) {
      const changes = decodeRecord(record);
      for (const change of changes) state.apply(change[0], change[1], change[2] ?? []);
      this.remember(record.length);
      this.lastSeq = seq;
      replayed = true;
    }
    return replayed;
  }

  /** The state's image kept on disk beside the database (state-image-file.ts), or undefined without a file. */
  saveImage(state: MemoryState): { read(): { bytes: Buffer; id: string } } | undefined {
    return this.image?.save(state, this.imageUnchanged);
  }

  /**
   * A transaction's changes, encoded now and copied after those staged before it: the next
   * append's record. Each is encoded on its own (a SAME refers within its transaction only), so a
   * failed encoding leaves the staged bytes as they were.
   */
  stage(changes: readonly RowChange[]): void {
    if (this.closed) throw new Error('change log: closed');
    const encoded = encodeIntoScratch(changes);
    // The record's format byte once, at its start.
    const from = this.stagedBytes === 0 ? 0 : 1;
    const end = this.stagedBytes + encoded.length - from;
    if (end > this.staged.length) this.staged = grown(this.staged, this.stagedBytes, end);
    encoded.copy(this.staged, this.stagedBytes, from);
    this.stagedBytes = end;
  }

  /** The transactions staged since the last append become one log row: replayed in order, durable together. */
  append(): void {
    const record = this.staged.subarray(0, this.stagedBytes);
    this.stagedBytes = 0;
    if (this.closed) throw new Error('change log: closed');
    this.lastSeq = Number(this.append_.run(record).lastInsertRowid);
    // The record is durable from here on: nothing below may fail this commit (the fold's own
    // failures are reported and tried again, see failedInBackground).
    this.checkpointer?.written();
    this.imageUnchanged = false;
    this.remember(record.length);
    if (this.pendingBytes >= this.policy.maxLogBytes) this.foldInBackground();
    else this.armIdleFold();
  }

  private remember(bytes: number) {
    this.pendingBytes += bytes;
    // Right after an append every change in memory is durable: a good moment for a step.
    if (this.current) this.stepInBackground();
  }

  private armIdleFold() {
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => this.foldInBackground(), this.policy.idleMs);
      this.idleTimer.unref();
    }
  }

  private foldInBackground() {
    if (this.closed || this.retryTimer) return;
    try {
      void this.fold();
    } catch (error) {
      // fold() runs its first step at once.
      this.failedInBackground(error);
    }
  }

  /**
   * A step that failed outside any caller that could take its failure (after an append, or in a
   * later turn of the event loop); it never fails the commit whose append ran it, whose record is
   * durable already. A test's stop ends the log where it is, as a killed process would. SQLite's
   * own failures (a full disk, an I/O error) leave the log as it was: they are reported, and the
   * same step is tried again after idleMs, then twice as long after each failure in a row, up to a
   * minute (a step keeps its rows until it commits, so none is left out). Anything else is a bug
   * that a retry could make worse: it is thrown in the next turn, as an uncaught error.
   */
  private failedInBackground(error: unknown) {
    if (error instanceof ProcessStop) {
      this.closed = true;
      this.current = undefined;
      this.folding = undefined;
      return;
    }
    if (!isSqliteError(error)) {
      setImmediate(() => {
        throw error;
      });
      return;
    }
    const delay = Math.min(Math.max(this.policy.idleMs, 1) * 2 ** this.failuresInRow++, 60_000);
    process.emitWarning(`change log: a fold step failed (${error.message}); it is tried again in ${delay} ms`, { code: 'SYSSTATUS_FOLD' });
    // A failure leaves the fold under way (`current`), which the retry goes on with.
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) this.stepInBackground();
    }, delay);
    this.retryTimer.unref();
  }

  /**
   * Folds the rows changed up to now into the tables, in steps: first reading the keys of the log's
   * records (stepRows / 8 records a step), then writing stepRows rows a step, in key order, each as
   * the state holds it when its step runs: a row changed again since is written newer, which is
   * harmless because that change is in the log after the point this fold truncates it to. Steps run
   * right after appends and, between them, in later turns of the event loop whenever the store is
   * settled. Resolves when the log up to the fold's start is gone.
   */
  fold(): Promise<void> {
    if (this.folding) return this.folding;
    if (this.pendingBytes === 0) return Promise.resolve();
    const folding = new Promise<void>((resolve) => {
      this.current = { readSeq: 0, keys: CODECS.map((codec) => new Nested<true>(codec.keyColumns)), rowCount: 0, bytes: 0, capped: false, writtenOpens: [], rows: undefined, table: 0, batch: undefined, throughSeq: this.lastSeq, done: resolve };
    });
    this.folding = folding;
    this.step();
    return folding;
  }

  /** Runs the next step of the fold under way, if the store is settled; else tries again later. */
  private step() {
    const fold = this.current;
    if (!fold) return;
    if (!this.settled()) return this.queueStep();
    if (!fold.rows) return this.readKeys(fold);
    // Taken before the transaction and kept until it commits: a step that fails is written again.
    const batch = (fold.batch ??= this.takeRows(fold));
    const state = this.state!;
    this.database.transaction(() => {
      // Before any table changes: once this fold truncates the log, image + log are not the state.
      if (this.imageNamed) this.image!.forgetInTransaction();
      for (const [table, key] of batch.rows) {
        const row = state.tables[table].get(key as string[]);
        if (row) this.upserts[table].run(CODECS[table].toSql(row));
        else this.deletes[table].run(key);
      }
      if (batch.last) this.truncate.run(fold.throughSeq);
      this.stopAt?.('fold:before-commit');
    })();
    fold.batch = undefined;
    this.checkpointer?.written();
    this.failuresInRow = 0;
    this.imageNamed = false;
    this.stopAt?.('fold:after-commit');
    if (!batch.last) return this.queueStep();
    this.current = undefined;
    this.folding = undefined;
    // A fold that found no record leaves none behind either.
    this.pendingBytes = fold.bytes === 0 ? 0 : this.pendingBytes - fold.bytes;
    fold.done();
    // A capped fold leaves the rest of the log it was asked to fold to the next one; records
    // appended meanwhile wait for the usual reasons (size, or a quiet second).
    if (fold.capped || this.pendingBytes >= this.policy.maxLogBytes) this.queueFold();
    else if (this.pendingBytes > 0) this.armIdleFold();
  }

  /** The next stepRows keys to write, in key order, table after table; `last` once none is left. */
  private takeRows(fold: Fold): Batch {
    const rows: [number, unknown[]][] = [];
    while (rows.length < this.policy.stepRows) {
      const next = fold.rows!.next();
      if (!next.done) rows.push([fold.table, next.value]);
      else if (fold.table + 1 === CODECS.length) return { rows, last: true };
      else fold.rows = this.tableKeys(fold, ++fold.table);
    }
    return { rows, last: false };
  }

  /** A table's keys to write: those read from the log in key order, and for the opens first the listed users' opens now. */
  private *tableKeys(fold: Fold, table: number): Generator<unknown[]> {
    if (table === OPENS) {
      const opens = this.state!.opens;
      for (const [tenantKey, userIds] of fold.writtenOpens) {
        for (let i = 0; i < userIds.length; i++) {
          if (i > 0 && userIds[i] === userIds[i - 1]) continue;
          const entries = opens.entries(tenantKey, userIds[i]);
          if (!entries) continue;
          const statusIds: string[] = [];
          for (let at = 0; at < entries.length; at += OPEN_STRIDE) statusIds.push((entries[at] as OpenDefinition).system_status_id);
          for (const statusId of statusIds.sort(byPart)) yield [tenantKey, userIds[i], statusId];
        }
      }
    }
    yield* keysInOrder(fold.keys[table].root, CODECS[table].keyColumns);
  }

  /** A step that reads the keys of the next records up to the fold's end; after the last, the rows to write in key order. */
  private readKeys(fold: Fold) {
    const limit = Math.max(1, Math.ceil(this.policy.stepRows / 8));
    const records = this.records.all(fold.readSeq, fold.throughSeq, limit);
    const add = (table: number, key: unknown[]) => {
      const keys = fold.keys[table];
      if (keys.lookup(key[0] as string, key[1] as string, key[2] as string) !== undefined) return;
      keys.set(key, true);
      fold.rowCount++;
    };
    for (const [seq, record] of records) {
      recordKeys(record, add, OPENS);
      fold.readSeq = seq;
      fold.bytes += record.length;
      // Its keys are held while it runs: a fold of a log that changed many rows stops early and leaves the rest to the next.
      if (fold.rowCount >= this.policy.maxDirtyRows && seq < fold.throughSeq) {
        fold.throughSeq = seq;
        fold.capped = true;
        break;
      }
    }
    if (records.length === limit && fold.readSeq < fold.throughSeq) return this.queueStep();
    // The users with an open put since the last fold took them: their opens, written as the state
    // holds them when their step runs, cover the puts of the records read (and of later ones, which
    // is harmless, as for any row written newer). Taken while the store is settled, so every listed
    // put is durable. Kept as sorted lists, not keys: at 1M users a fold may list them all.
    fold.writtenOpens = [...this.state!.opens.takeWritten()]
      .sort(([x], [y]) => byPart(x, y))
      .map(([tenantKey, userIds]) => [tenantKey, userIds.sort(byPart)] as const);
    // In key order: consecutive writes then land on the same B-tree pages (a third less CPU than in
    // the order the rows changed, and fewer pages written).
    fold.rows = this.tableKeys(fold, 0);
    this.step();
  }

  private queueFold() {
    setImmediate(() => this.foldInBackground());
  }

  private queueStep() {
    if (this.stepQueued) return;
    this.stepQueued = true;
    setImmediate(() => {
      this.stepQueued = false;
      if (!this.closed) this.stepInBackground();
    });
  }

  /** A step outside any caller that could take its failure. */
  private stepInBackground() {
    if (this.retryTimer) return;
    try {
      this.step();
    } catch (error) {
      this.failedInBackground(error);
    }
  }

  /**
   * Folds everything, so the tables alone hold the state, writes the state's image (unless the
   * valid one already is it) and closes the database. A failed image costs the next start its
   * speed, not data: it is reported and the close goes on.
   */
  async close(): Promise<void> {
    // The store has settled before it closes its sink: every step can run now.
    if (!this.settled()) throw new Error('change log: closed while a change awaits its write');
    clearTimeout(this.idleTimer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.closed = true;
    while (this.current) this.step();
    while (this.pendingBytes > 0) {
      void this.fold();
      while (this.current) this.step();
    }
    // An image of an earlier version is rewritten even when it still is the state.
    if (this.image && this.state && !(this.imageNamed && this.imageUnchanged && !this.image.earlier)) {
      try {
        this.image.write(this.state);
      } catch (error) {
        if (error instanceof ProcessStop) throw error;
        process.emitWarning(`state image not written (${(error as Error).message}): the next start loads the tables`, { code: 'SYSSTATUS_STATE_IMAGE' });
      }
    }
    this.image?.removeSaved();
    await this.checkpointer?.close();
    this.database.close();
  }
}
