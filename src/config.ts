// Every setting of the server, parsed once at start and frozen.

export interface Config {
  host: string;
  port: number;
  /** Folder of the embedded database; ignored with memory. */
  data_dir: string;
  memory: boolean;
  /** postgres://…: keep everything in PostgreSQL instead of the embedded database (several nodes). */
  database_url?: string;
  /** redis://…: keep the rate-limit counters in Redis, shared by every node. */
  redis_url?: string;
  /** Seed file applied at start (the demo tenant when absent). */
  seed_file?: string;
  rate_limits: boolean;
  /** Largest accepted request body, in bytes. */
  body_limit: number;
  /** A whole request (headers and body) must arrive within this. */
  request_timeout_ms: number;
  /** A request's headers must arrive within this (at most request_timeout_ms). */
  headers_timeout_ms: number;
  log_level: string;
  sensitive_words: readonly string[];
  /**
   * emulator: control endpoints open on loopback without credentials, clock and faults on.
   * production: every control endpoint needs the admin token; clock, faults and reset are off.
   */
  mode: 'emulator' | 'production';
  /** Bearer token of the control API (required in production mode). */
  admin_token?: string;
  /** Open API requests the journal keeps (oldest dropped first). */
  journal_limit: number;
  /** Embedded engine: bytes of change log that may wait before they are folded into the tables. */
  fold_log_bytes: number;
}

export const DEFAULT_SENSITIVE_WORDS = ['sensitive-word', '敏感词'];

export const DEFAULT_CONFIG: Config = {
  host: '127.0.0.1',
  port: 3000,
  data_dir: './data',
  memory: false,
  rate_limits: true,
  body_limit: 256 * 1024,
  request_timeout_ms: 30_000,
  headers_timeout_ms: 10_000,
  log_level: 'info',
  sensitive_words: DEFAULT_SENSITIVE_WORDS,
  mode: 'emulator',
  journal_limit: 1000,
  fold_log_bytes: 128 * 1024 * 1024,
};

export function makeConfig(overrides: Partial<Config> = {}): Readonly<Config> {
  const config = { ...DEFAULT_CONFIG, ...overrides };
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) throw new Error(`invalid port: ${config.port}`);
  if (!Number.isInteger(config.body_limit) || config.body_limit < 1024) throw new Error('body_limit must be at least 1024 bytes');
  if (config.mode !== 'emulator' && config.mode !== 'production') throw new Error(`invalid mode: ${String(config.mode)}`);
  if (config.mode === 'production' && !config.admin_token) {
    throw new Error('production mode needs an admin token (--admin-token or SYSSTATUS_ADMIN_TOKEN)');
  }
  if (config.admin_token !== undefined && config.admin_token.length < 16) throw new Error('the admin token must be at least 16 characters');
  if (!Number.isInteger(config.journal_limit) || config.journal_limit < 0) throw new Error('journal_limit must be a whole number of at least 0');
  if (!Number.isInteger(config.fold_log_bytes) || config.fold_log_bytes < 1) throw new Error('fold_log_bytes must be a whole number of at least 1');
  if (!(config.headers_timeout_ms > 0 && config.headers_timeout_ms <= config.request_timeout_ms)) {
    throw new Error('headers_timeout_ms must be positive and at most request_timeout_ms');
  }
  return Object.freeze(config);
}
