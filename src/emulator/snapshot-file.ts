// Snapshot files. An export writes a temporary file beside the target, flushes it, and renames
// it over the target: a failure midway leaves the previous file as it was.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseSnapshot } from './snapshot.js';
import type { Snapshot } from './snapshot-schema.js';

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function writeSnapshotFile(path: string, snapshot: Snapshot): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(snapshot, null, 2)}\n`);
}

export async function readSnapshotFile(path: string): Promise<Snapshot> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  return parseSnapshot(document);
}
