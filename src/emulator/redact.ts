// What the journal must never keep: credentials in headers and bodies.

const REDACTED = '[redacted]';
const SECRET_KEYS = new Set(['app_secret', 'tenant_access_token', 'app_access_token', 'user_access_token', 'refresh_token', 'app_ticket']);

/** Keeps the token's kind (t-/u-) so a reader can tell what was sent, and nothing else of it. */
function redactAuthorization(value: string): string {
  const match = /^(Bearer\s+)?(t-|u-)?/.exec(value);
  return `${match?.[1] ?? ''}${match?.[2] ?? ''}${REDACTED}`;
}

export function redactHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    const lower = name.toLowerCase();
    if (lower === 'authorization') out[lower] = redactAuthorization(text);
    else if (lower === 'cookie' || lower === 'set-cookie') out[lower] = REDACTED;
    else out[lower] = text;
  }
  return out;
}

/** A deep copy with every secret-bearing field replaced. */
export function redactBody(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactBody);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = SECRET_KEYS.has(key) ? REDACTED : redactBody(inner);
    return out;
  }
  return value;
}
