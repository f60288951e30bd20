// What the journal must never keep: credentials, by key, wherever a request or answer carries
// them (query string, headers, bodies).

const REDACTED = '[redacted]';
const SECRET_KEYS = new Set(['app_secret', 'tenant_access_token', 'app_access_token', 'user_access_token', 'refresh_token', 'app_ticket']);

/** Header names spell keys with dashes and often an `X-` prefix: `X-App-Secret` is `app_secret`. */
const spellsSecret = (lower: string) => SECRET_KEYS.has(lower.replace(/-/g, '_').replace(/^x_/, ''));

// Every request asks about the same few names; the memo is bounded, as clients choose the names.
const secretHeaderMemo = new Map<string, boolean>();
function isSecretHeader(lower: string): boolean {
  let secret = secretHeaderMemo.get(lower);
  if (secret === undefined) {
    secret = spellsSecret(lower);
    if (secretHeaderMemo.size < 512) secretHeaderMemo.set(lower, secret);
  }
  return secret;
}

/** Keeps the token's kind (t-/u-) so a reader can tell what was sent, and nothing else of it. */
function redactAuthorization(value: string): string {
  const match = /^(Bearer\s+)?(t-|u-)?/.exec(value);
  return `${match?.[1] ?? ''}${match?.[2] ?? ''}${REDACTED}`;
}

export function redactHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    const lower = name.toLowerCase();
    if (lower === 'authorization') out[lower] = redactAuthorization(text);
    else if (lower === 'cookie' || lower === 'set-cookie' || isSecretHeader(lower)) out[lower] = REDACTED;
    else out[lower] = text;
  }
  return out;
}

/** A deep copy with every secret-bearing field replaced: bodies, and query strings (same keys). */
export function redactBody(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactBody);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = SECRET_KEYS.has(key) ? REDACTED : redactBody(inner);
    return out;
  }
  return value;
}

/** The query string's parameters, with the same keys as bodies redacted. */
export function redactQuery(query: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(query).map(([key, value]) => [key, SECRET_KEYS.has(key) ? REDACTED : value]));
}
