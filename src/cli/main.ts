import { resolve, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildApp } from '../app.js';
import { PlatformRateLimiter } from '../http/rate-limiter.js';
import { Emulator } from '../emulator/emulator.js';
import { instrumentStore } from '../emulator/instrument-store.js';
import { Metrics } from '../emulator/metrics.js';
import { applySeed } from '../operations/provisioning.js';
import { DEMO_SEED } from '../seed/demo-seed.js';
import { createServices } from '../services.js';
import { createStore } from '../store/create-store.js';
import { banner } from './banner.js';
import { parseCommand, USAGE } from './parse-args.js';

/** A connection URL without its password, for the banner. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}

/**
 * Under load V8 lets the heap grow to about four times what is live before a full collection:
 * 50-user batch_opens took the server from 135 MiB at rest to 345 MiB while about 60 MiB was live.
 * A growth factor of 1.5 kept the peak near 217 MiB at the same throughput. A flag given on the
 * command line or in NODE_OPTIONS wins.
 */
function limitHeapGrowth() {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('heap-growing-percent'));
  if (!given) setFlagsFromString('--heap-growing-percent=50');
}

/**
 * A start leaves the load's garbage behind (row arrays read from SQLite, the start snapshot's
 * objects before they were packed): at 1M users several hundred MiB that V8 keeps until some
 * later allocation pressure. One full collection once the server is up hands it back.
 */
function collectStartGarbage() {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as (() => void) | undefined)?.();
}

// What only some starts need (a seed file's YAML parser, ioredis, the export/import code) is
// imported where it is used, so that a plain `serve` does not pay for loading it.

async function serve(config: ReturnType<typeof parseCommand>['config']) {
  const seed = config.seed_file ? (await import('../seed/load-seed.js')).loadSeedFile(config.seed_file) : DEMO_SEED;
  const metrics = new Metrics();
  const store = instrumentStore(await createStore({ memory: config.memory, dataDir: config.data_dir, databaseUrl: config.database_url, foldLogBytes: config.fold_log_bytes }), metrics);
  const services = createServices(store, config);
  const tenants = await applySeed(services, seed);
  const secrets = tenants.flatMap((tenant) => tenant.apps.map((app) => [app.app_id, app.app_secret] as const));
  const emulator = await Emulator.create({ services, config, metrics, secrets });
  // After the load: while a million users' rows are built, a tight limit means a full collection every few hundred MiB.
  limitHeapGrowth();
  const redis = config.rate_limits && config.redis_url ? (await import('../http/redis-limiters.js')).createRedisLimiters(config.redis_url) : undefined;
  const app = await buildApp({
    config,
    services,
    emulator,
    logger: { level: config.log_level },
    ...(redis ? { limiter: new PlatformRateLimiter(redis.factory), readinessChecks: { redis: redis.ping } } : {}),
  });
  const address = await app.listen({ host: config.host, port: config.port });
  // Once the expiry index, built while the server already answers, has left its garbage too.
  void emulator.expiry.idle().then(collectStartGarbage);
  const where = config.database_url
    ? `postgresql ${redactUrl(config.database_url)}${redis ? `, limits in redis ${redactUrl(config.redis_url!)}` : ''}`
    : config.memory
      ? 'sqlite in memory'
      : `sqlite ${join(resolve(config.data_dir), 'sysstatus.sqlite')}`;
  process.stdout.write(`${banner(address.replace('[::1]', 'localhost'), where, tenants, config.mode)}\n`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    try {
      await app.close();
      await redis?.close();
      await store.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

try {
  const command = parseCommand(process.argv.slice(2));
  if (command.name === 'help') process.stdout.write(`${USAGE}\n`);
  else if (command.name === 'export') {
    const { exportCommand } = await import('../emulator/snapshot-cli.js');
    process.stdout.write(`${await exportCommand(command.config, command.file, command.url)}\n`);
  } else if (command.name === 'import') {
    const { importCommand } = await import('../emulator/snapshot-cli.js');
    process.stdout.write(`${await importCommand(command.config, command.file, command.url)}\n`);
  }
  else await serve(command.config);
} catch (error) {
  process.stderr.write(`sysstatus: ${(error as Error).message}\n`);
  process.exit(1);
}
