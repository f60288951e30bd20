// When the state image beside the database may be trusted. The image (memory/state-image.ts) is
// written only when the change log is empty, so it holds the state as of the tables then; a row
// of sysstatus_state_image names it, and that row is what makes it valid: a start that finds the
// row and a whole image file with the same id loads the image and replays every log row (all of
// them came after it) instead of stepping through the tables. The first fold after that deletes
// the row in its own first transaction, before any table changes, because once it truncates the
// log, image + log no longer make the state. Any doubt (no row, no file, another id, a damaged,
// truncated or other-version file) means the tables and the log, which stay whole throughout.
//
// Every order of events a crash can cut, written image first, row last:
// - crash while the temporary file is written or before its rename: the row (if any) names an
//   older id or none; the half-written file has another name. Tables + log.
// - crash after the rename, before the row is committed: the file's id is not the row's. Tables + log.
// - crash after the row is committed: the image and the (empty) log are the state, and so are the
//   tables: either start is right. The file was fsynced, and its directory, before the row was
//   written, so a power loss cannot keep the row without the file.
// - crash after a start from the image, before any fold: image + log (nothing truncated). Right.
// - crash in or after the first fold: that fold's first transaction removed the row together with
//   its first table writes, or did not commit at all (then the log is untouched). Tables + log.
// - a release without this file cannot open the folder (see the migration), so nothing folds the
//   log behind the image's back.
import { closeSync, fsyncSync, linkSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import { decodeStateFile, encodeState, imageId } from '../../memory/state-image.js';
import type { MemoryState } from '../../memory/state.js';

const META = 'sysstatus_state_image';

/** A point of the image's life a test may stop the process at (as a crash would). */
export type ImagePoint = 'image:temporary-written' | 'image:renamed';

export class StateImageFile {
  private readonly named: SqliteDatabase.Statement<[], { id: string }>;
  private readonly forget: SqliteDatabase.Statement<[]>;
  private readonly record: SqliteDatabase.Statement<[string]>;

  constructor(
    private readonly database: SqliteDatabase.Database,
    /** The image's path: the database file's, with `-image` (like SQLite's own -wal and -shm). */
    readonly file: string,
    private readonly stopAt?: (point: ImagePoint) => void,
  ) {
    this.named = database.prepare(`select id from ${META}`);
    this.forget = database.prepare(`delete from ${META}`);
    this.record = database.prepare(`insert into ${META} (id) values (?)`);
  }

  /** Whether the image read was of an earlier version: the close writes it again, changed or not (a saved state may still link it: it reads). */
  earlier = false;

  /** Whether a row names an image: then the first fold must remove it. */
  isNamed(): boolean {
    return this.named.get() !== undefined;
  }

  /** The state the named image holds, or undefined when there is none to trust. */
  read(): MemoryState | undefined {
    const row = this.named.get();
    if (!row) return undefined;
    try {
      const { state, earlier } = decodeStateFile(this.file, row.id);
      this.earlier = earlier;
      return state;
    } catch (error) {
      // A file system's error (no file, no permission) has a code; anything else is the image's fault.
      const what = (error as NodeJS.ErrnoException).code === undefined ? 'not used' : 'not read';
      warn(`state image ${this.file} ${what} (${(error as Error).message}): loading the tables`);
      return undefined;
    }
  }

  /** Inside a fold's first transaction: the image no longer makes the state with the log. */
  forgetInTransaction(): void {
    this.forget.run();
  }

  /** Writes the state's image and names it; call only when the log is empty (tables == state). */
  write(state: MemoryState): void {
    const id = randomUUID();
    const bytes = encodeState(state, id);
    const temporary = `${this.file}.tmp`;
    try {
      const fd = openSync(temporary, 'w');
      try {
        for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      // A full disk, say: no half file left behind (the named image, if any, is untouched).
      rmSync(temporary, { force: true });
      throw error;
    }
    this.stopAt?.('image:temporary-written');
    renameSync(temporary, this.file);
    syncDirectory(dirname(this.file));
    this.stopAt?.('image:renamed');
    this.database.transaction(() => {
      this.forget.run();
      this.record.run(id);
    })();
  }

  private saves = 0;

  /**
   * A copy of the state's image kept on disk for this process (a saved state, the emulator's
   * start state): not in memory, where at 1M users it was a tenth of the RSS. While the state is
   * still the loaded image's it is a hard link to that file (the next image replaces the name,
   * not the file); else it is written (no fsync: it serves this process only). The files go at
   * close, and a start removes any a killed process left. Undefined when the file cannot be made.
   */
  save(state: MemoryState, loadedUnchanged: boolean): { read(): { bytes: Buffer; id: string } } | undefined {
    const file = `${this.file}-saved-${++this.saves}`;
    let linked = false;
    try {
      rmSync(file, { force: true });
      if (loadedUnchanged) {
        try {
          linkSync(this.file, file);
          linked = true;
        } catch {
          // A file system without hard links: written below instead.
        }
      }
      if (!linked) writeFileSync(file, encodeState(state, randomUUID()));
    } catch {
      // No room on disk, say: the caller keeps the image in memory instead.
      rmSync(file, { force: true });
      return undefined;
    }
    return {
      read: () => {
        const bytes = readFileSync(file);
        const id = imageId(bytes);
        if (id === undefined) throw new Error(`saved state ${file} is not a state image`);
        return { bytes, id };
      },
    };
  }

  /** Removes the saved states' files (this process's at close, a killed one's at start). */
  removeSaved(): void {
    const prefix = `${basename(this.file)}-saved-`;
    for (const name of readdirSync(dirname(this.file))) if (name.startsWith(prefix)) rmSync(join(dirname(this.file), name), { force: true });
  }
}

function syncDirectory(directory: string) {
  // Windows opens no directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function warn(message: string) {
  process.emitWarning(message, { code: 'SYSSTATUS_STATE_IMAGE' });
}
