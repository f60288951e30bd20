import { parseArgs } from 'node:util';
import { type Config, makeConfig } from '../config.js';

export const USAGE = `Usage: sysstatus serve [options]

  --port N               port to listen on (default 3000, env PORT)
  --host HOST            address to bind (default 127.0.0.1, env HOST)
  --data DIR             folder of the embedded database (default ./data, env SYSSTATUS_DATA)
  --memory               keep everything in memory (lost at exit)
  --seed FILE            seed file (YAML or JSON) applied at start instead of the demo tenant
  --rate-limits on|off   the platform's rate limits (default on)
  --log-level LEVEL      pino level: fatal, error, warn, info, debug, trace, silent (default info)
  -h, --help             this text`;

export interface Command {
  name: 'serve' | 'help';
  config: Readonly<Config>;
}

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
      seed: { type: 'string' },
      'rate-limits': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const name = positionals[0] ?? 'serve';
  if (values.help || name === 'help') return { name: 'help', config: makeConfig() };
  if (name !== 'serve') throw new Error(`unknown command "${name}"\n\n${USAGE}`);
  const rateLimits = values['rate-limits'] ?? env.SYSSTATUS_RATE_LIMITS ?? 'on';
  if (rateLimits !== 'on' && rateLimits !== 'off') throw new Error('--rate-limits takes on or off');
  const port = values.port ?? env.PORT;
  return {
    name: 'serve',
    config: makeConfig({
      ...(port !== undefined ? { port: Number(port) } : {}),
      ...((values.host ?? env.HOST) ? { host: values.host ?? env.HOST } : {}),
      ...((values.data ?? env.SYSSTATUS_DATA) ? { data_dir: values.data ?? env.SYSSTATUS_DATA } : {}),
      memory: values.memory ?? false,
      ...((values.seed ?? env.SYSSTATUS_SEED) ? { seed_file: values.seed ?? env.SYSSTATUS_SEED } : {}),
      rate_limits: rateLimits === 'on',
      ...((values['log-level'] ?? env.LOG_LEVEL) ? { log_level: values['log-level'] ?? env.LOG_LEVEL } : {}),
    }),
  };
}
