// Every setting of the server, parsed once at start and frozen.

export interface Config {
  host: string;
  port: number;
  /** Folder of the embedded database; ignored with memory. */
  data_dir: string;
  memory: boolean;
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
};

export function makeConfig(overrides: Partial<Config> = {}): Readonly<Config> {
  const config = { ...DEFAULT_CONFIG, ...overrides };
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) throw new Error(`invalid port: ${config.port}`);
  if (!Number.isInteger(config.body_limit) || config.body_limit < 1024) throw new Error('body_limit must be at least 1024 bytes');
  if (!(config.headers_timeout_ms > 0 && config.headers_timeout_ms <= config.request_timeout_ms)) {
    throw new Error('headers_timeout_ms must be positive and at most request_timeout_ms');
  }
  return Object.freeze(config);
}
