// WAL checkpoints on the worker thread: the main connection never runs SQLite's automatic one inside an append, the
// WAL still starts over under steady writes, and without the worker SQLite's own checkpoints return.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { WalCheckpointer } from '../../../src/store/engines/sqlite/wal-checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'sysstatus-wal-checkpointer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function openLog(name: string) {
  const file = join(dir, name);
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.exec('create table log (seq integer primary key, changes blob not null)');
  return { file, database, append: database.prepare<[Buffer]>('insert into log (changes) values (?)') };
}

const RECORD = Buffer.alloc(6000, 7);

test('under steady appends the worker checkpoints, the main connection only catches up the rest, and the WAL starts over', async () => {
  const { file, database, append } = openLog('steady.sqlite');
  const checkpointer = new WalCheckpointer(database, { everyMs: 2, catchUpFrames: 32 });
  assert.equal(database.pragma('wal_autocheckpoint', { simple: true }), 0);
  const appends = 1200;
  for (let i = 0; i < appends; i++) {
    append.run(RECORD);
    checkpointer.written();
    if (i % 4 === 3) await sleep(1);
  }
  // 1,200 records of 6 kB are ~3,600 frames (14 MiB): a WAL that never started over would hold them
  // all. How far it gets between two starts depends on how long the disk takes to sync.
  const walBytes = statSync(`${file}-wal`).size;
  assert.ok(walBytes < 7 * 1024 * 1024, `WAL of ${walBytes} bytes`);
  // The checkpoints copied the records into the database file while it was open.
  assert.ok(statSync(file).size > 2 * 1024 * 1024, `database file of ${statSync(file).size} bytes`);
  await checkpointer.close();
  database.close();
  // The worker's connection closed first: the main connection's close was the last, and removed the WAL.
  assert.equal(existsSync(`${file}-wal`), false);
  const reopened = new Database(file, { readonly: true });
  assert.equal(reopened.prepare('select count(*) from log').pluck().get(), appends);
  reopened.close();
});

test('when the worker is gone, SQLite checkpoints on the main connection again, with a warning', async () => {
  const { database, append } = openLog('worker-gone.sqlite');
  const checkpointer = new WalCheckpointer(database, { everyMs: 1, catchUpFrames: 32 });
  const warned = new Promise<Error>((resolve) => {
    const onWarning = (warning: Error) => {
      if ((warning as { code?: string }).code !== 'SYSSTATUS_CHECKPOINT') return;
      process.off('warning', onWarning);
      resolve(warning);
    };
    process.on('warning', onWarning);
  });
  await (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
  assert.match((await warned).message, /back on the main thread/);
  assert.equal(database.pragma('wal_autocheckpoint', { simple: true }), 1000);
  // Writes go on as before; the close has no worker left to wait for.
  append.run(RECORD);
  checkpointer.written();
  await checkpointer.close();
  database.close();
});
