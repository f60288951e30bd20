// `sysstatus export FILE` / `sysstatus import FILE`: against a running server (--url) or the
// database folder directly (--data; stop the server first, or use --url).
import type { Config } from '../config.js';
import { createServices } from '../services.js';
import { createStore } from '../store/create-store.js';
import { exportSnapshot, importSnapshot, parseSnapshot } from './snapshot.js';
import { readSnapshotFile, writeSnapshotFile } from './snapshot-file.js';

async function control(url: string, config: Pick<Config, 'admin_token'>, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(new URL('/_sysstatus/snapshot', url), {
    ...init,
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(config.admin_token ? { authorization: `Bearer ${config.admin_token}` } : {}),
    },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text);
}

async function withStore<T>(config: Config, work: (services: ReturnType<typeof createServices>) => Promise<T>): Promise<T> {
  if (config.memory) throw new Error('export and import need --data DIR or --url URL, not --memory');
  const store = await createStore({ dataDir: config.data_dir, databaseUrl: config.database_url });
  try {
    return await work(createServices(store, config));
  } finally {
    await store.close();
  }
}

export async function exportCommand(config: Config, file: string, url?: string): Promise<string> {
  const snapshot = url ? parseSnapshot(await control(url, config)) : await withStore(config, exportSnapshot);
  await writeSnapshotFile(file, snapshot);
  return `exported ${snapshot.tenants.length} tenant(s) to ${file}`;
}

export async function importCommand(config: Config, file: string, url?: string): Promise<string> {
  const snapshot = await readSnapshotFile(file);
  if (url) await control(url, config, { method: 'POST', body: JSON.stringify(snapshot) });
  else await withStore(config, (services) => importSnapshot(services, snapshot));
  return `imported ${snapshot.tenants.length} tenant(s) from ${file}`;
}
