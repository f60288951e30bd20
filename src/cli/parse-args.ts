import { parseArgs } from 'node:util';
import { type Config, makeConfig } from '../config.js';

export const USAGE = `Usage: sysstatus [serve] [options]
       sysstatus export FILE [--data DIR | --url URL] [--admin-token TOKEN]
       sysstatus import FILE [--data DIR | --url URL] [--admin-token TOKEN]

  --port N               port to listen on (default 3000, env PORT)
  --host HOST            address to bind (default 127.0.0.1, env HOST)
  --data DIR             folder of the embedded database (default ./data, env SYSSTATUS_DATA)
  --memory               keep everything in memory (lost at exit)
  --database-url URL     postgres://user@host:port/db: use PostgreSQL instead (env DATABASE_URL)
  --redis-url URL        redis://host:port: rate-limit windows shared by all nodes (env REDIS_URL)
  --seed FILE            seed file (YAML or JSON) applied at start instead of the demo tenant
  --rate-limits on|off   the platform's rate limits (default on)
  --log-level LEVEL      pino level: fatal, error, warn, info, debug, trace, silent (default info)
  --mode MODE            emulator (default): controls open on loopback, clock and faults on;
                         production: controls need the admin token; clock, faults, reset off
                         (env SYSSTATUS_MODE)
  --admin-token TOKEN    bearer token of the control API, 16+ characters (env SYSSTATUS_ADMIN_TOKEN)
  --journal-limit N      Open API requests the journal keeps (default 1000, env SYSSTATUS_JOURNAL_LIMIT)
  --fold-log-bytes N     embedded engine: change log that may wait before it is folded into the
                         tables (default 134217728, env SYSSTATUS_FOLD_LOG_BYTES)
  --url URL              export / import: talk to a running server instead of opening --data
  -h, --help             this text

export writes the whole state (tenants, apps, users, statuses, opens, tokens; secrets only as
digests) to FILE through a temporary file, so a failed export never damages an older FILE.
import replaces the whole state with FILE, all or nothing.`;

export type Command =
  | { name: 'serve' | 'help'; config: Readonly<Config> }
  | { name: 'export' | 'import'; config: Readonly<Config>; file: string; url?: string };

/** argv (without node and script) → a command and a frozen config. Environment variables fill gaps. */
export function parseCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      memory: { type: 'boolean' },
      'database-url': { type: 'string' },
      'redis-url': { type: 'string' },
      seed: { type: 'string' },
      'rate-limits': { type: 'string' },
      'log-level': { type: 'string' },
      mode: { type: 'string' },
      'admin-token': { type: 'string' },
      'journal-limit': { type: 'string' },
      'fold-log-bytes': { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const name = positionals[0] ?? 'serve';
  if (values.help || name === 'help') return { name: 'help', config: makeConfig() };
  if (name !== 'serve' && name !== 'export' && name !== 'import') throw new Error(`unknown command "${name}"\n\n${USAGE}`);
  const rateLimits = values['rate-limits'] ?? env.SYSSTATUS_RATE_LIMITS ?? 'on';
  if (rateLimits !== 'on' && rateLimits !== 'off') throw new Error('--rate-limits takes on or off');
  if (values.memory && (values['database-url'] ?? env.DATABASE_URL)) throw new Error('--memory and --database-url exclude each other');
  const port = values.port ?? env.PORT;
  const mode = values.mode ?? env.SYSSTATUS_MODE ?? 'emulator';
  if (mode !== 'emulator' && mode !== 'production') throw new Error('--mode takes emulator or production');
  const adminToken = values['admin-token'] ?? env.SYSSTATUS_ADMIN_TOKEN;
  const journalLimit = values['journal-limit'] ?? env.SYSSTATUS_JOURNAL_LIMIT;
  const foldLogBytes = values['fold-log-bytes'] ?? env.SYSSTATUS_FOLD_LOG_BYTES;
  const config = makeConfig({
    ...(port !== undefined ? { port: Number(port) } : {}),
    ...((values.host ?? env.HOST) ? { host: values.host ?? env.HOST } : {}),
    ...((values.data ?? env.SYSSTATUS_DATA) ? { data_dir: values.data ?? env.SYSSTATUS_DATA } : {}),
    memory: values.memory ?? false,
    ...((values['database-url'] ?? env.DATABASE_URL) ? { database_url: values['database-url'] ?? env.DATABASE_URL } : {}),
    ...((values['redis-url'] ?? env.REDIS_URL) ? { redis_url: values['redis-url'] ?? env.REDIS_URL } : {}),
    ...((values.seed ?? env.SYSSTATUS_SEED) ? { seed_file: values.seed ?? env.SYSSTATUS_SEED } : {}),
    rate_limits: rateLimits === 'on',
    ...((values['log-level'] ?? env.LOG_LEVEL) ? { log_level: values['log-level'] ?? env.LOG_LEVEL } : {}),
    mode,
    ...(adminToken ? { admin_token: adminToken } : {}),
    ...(journalLimit !== undefined ? { journal_limit: Number(journalLimit) } : {}),
    ...(foldLogBytes !== undefined ? { fold_log_bytes: Number(foldLogBytes) } : {}),
  });
  if (name === 'serve') return { name, config };
  const file = positionals[1];
  if (!file) throw new Error(`${name} needs a FILE\n\n${USAGE}`);
  return { name, config, file, ...(values.url ? { url: values.url } : {}) };
}
