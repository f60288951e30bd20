import { notFound } from '../../emulator/control-error.js';
import type { AppRecord, StoreReader } from '../../store/store.js';

export async function requireApp(reader: StoreReader, appId: string): Promise<AppRecord> {
  const app = await reader.getApp(appId);
  if (!app) throw notFound(`app ${appId}`);
  return app;
}
