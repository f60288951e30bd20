import type { Services } from '../context.js';
import { requireApp } from './require-app.js';

/** Deletes the app; its tokens stop working at once. */
export async function deleteApp(services: Services, appId: string): Promise<void> {
  await services.store.transaction(async (tx) => {
    await requireApp(tx, appId);
    await tx.deleteApp(appId);
  });
  services.auth.forgetApp(appId);
}
