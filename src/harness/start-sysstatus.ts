// startSysstatus(): the real server (buildApp) in the test's own process, listening on loopback.
import type { AddressInfo } from 'node:net';
import { buildApp } from '../app.js';
import { ControlledClock } from '../clock.js';
import { makeConfig, type Config } from '../config.js';
import { Emulator } from '../emulator/emulator.js';
import { applySeed } from '../operations/provisioning.js';
import { DEMO_SEED } from '../seed/demo-seed.js';
import { createServices } from '../services.js';
import { createStore } from '../store/create-store.js';
import { SysstatusClient } from './control-client.js';
import { instantValue } from './time-values.js';
import type { Instant, SeedFile } from './types.js';

export interface StartOptions {
  /** Port to listen on; 0 (the default) takes a free one. */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** A seed object, or the path of a seed file (YAML or JSON). Default: the demo tenant, as `sysstatus serve`. */
  seed?: SeedFile | string;
  /** Start with the clock frozen at this time (default: wall time, running). */
  frozenAt?: Instant;
  /** The platform's rate limits (default on, as the platform). */
  rateLimits?: boolean;
  /** Open API requests the journal keeps (default 1000). */
  journalLimit?: number;
  /** 'production' locks the control API behind adminToken and turns clock, faults and reset off. */
  mode?: Config['mode'];
  /** Bearer token of the control API (16+ characters); required in production mode. */
  adminToken?: string;
  /** Keep the data in this folder's SQLite file instead of in memory. */
  dataDir?: string;
  /** Keep the data in PostgreSQL instead of in memory. */
  databaseUrl?: string;
  /** A pino level for the server's log on stdout; default none. */
  logLevel?: string;
}

/** An app of the seed, with what a lark.Client needs. */
export interface SeededApp {
  tenant_key: string;
  tenant_name: string;
  app_id: string;
  app_secret: string;
  type: string;
}

/** A server started by startSysstatus(): its control client, the seeded apps, and close(). */
export class RunningSysstatus extends SysstatusClient {
  /** The seed's apps, in seed order (an app that was already stored is listed too). */
  readonly seededApps: readonly SeededApp[];
  private readonly stop: () => Promise<void>;

  constructor(url: string, adminToken: string | undefined, apps: SeededApp[], stop: () => Promise<void>) {
    super(url, { adminToken });
    this.seededApps = apps;
    this.stop = stop;
  }

  /** Ends event streams, stops listening (requests in flight finish) and closes the store. */
  override async close(): Promise<void> {
    await super.close();
    await this.stop();
  }
}

async function seedOf(seed: StartOptions['seed']): Promise<SeedFile> {
  if (seed === undefined) return DEMO_SEED;
  const { loadSeedFile, parseSeed } = await import('../seed/load-seed.js');
  if (typeof seed === 'string') return loadSeedFile(seed);
  // JSON is YAML: the object goes through the same check, with the same messages, as a seed file.
  return parseSeed(JSON.stringify(seed), 'seed');
}

/** Starts sysstatus in this process (in memory unless told otherwise) and resolves once it listens. */
export async function startSysstatus(options: StartOptions = {}): Promise<RunningSysstatus> {
  const config = makeConfig({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    memory: !options.dataDir && !options.databaseUrl,
    ...(options.dataDir ? { data_dir: options.dataDir } : {}),
    ...(options.databaseUrl ? { database_url: options.databaseUrl } : {}),
    rate_limits: options.rateLimits ?? true,
    ...(options.journalLimit !== undefined ? { journal_limit: options.journalLimit } : {}),
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.adminToken ? { admin_token: options.adminToken } : {}),
    log_level: options.logLevel ?? 'silent',
  });
  const seed = await seedOf(options.seed);
  const store = await createStore({ memory: config.memory, dataDir: config.data_dir, databaseUrl: config.database_url });
  try {
    const clock = new ControlledClock();
    if (options.frozenAt !== undefined) {
      const at = instantValue(options.frozenAt);
      const ms = typeof at === 'number' ? at : Date.parse(at);
      if (!Number.isFinite(ms)) throw new Error(`frozenAt is not a time: ${String(options.frozenAt)}`);
      clock.freeze(ms);
    }
    const services = createServices(store, config, clock);
    const tenants = await applySeed(services, seed);
    const apps = tenants.flatMap((tenant) =>
      tenant.apps.map((app) => ({ tenant_key: tenant.tenant_key, tenant_name: tenant.name, app_id: app.app_id, app_secret: app.app_secret, type: app.type })),
    );
    const emulator = await Emulator.create({ services, config, secrets: apps.map((app) => [app.app_id, app.app_secret] as const) });
    const app = await buildApp({ config, services, emulator, logger: options.logLevel ? { level: options.logLevel } : false });
    await app.listen({ host: config.host, port: config.port });
    const { port } = app.server.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return new RunningSysstatus(`http://${host}:${port}`, config.admin_token, apps, async () => {
      await app.close();
      await store.close();
    });
  } catch (error) {
    await store.close();
    throw error;
  }
}
