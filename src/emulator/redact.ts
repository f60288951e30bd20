// What the journal must never keep: credentials, by key, wherever a request or answer carries
// them (query string, headers, bodies).

/** Text as a JSON string: most header values need no escapes and skip JSON.stringify. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
export const jsonString = (text: string) => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);

const REDACTED = '[redacted]';
const SECRET_KEYS = new Set(['app_secret', 'tenant_access_token', 'app_access_token', 'user_access_token', 'refresh_token', 'app_ticket']);

/** Header names spell keys with dashes and often an `X-` prefix: `X-App-Secret` is `app_secret`. */
const spellsSecret = (lower: string) => SECRET_KEYS.has(lower.replace(/-/g, '_').replace(/^x_/, ''));

/** Keeps the token's kind (t-/u-) so a reader can tell what was sent, and nothing else of it. */
function redactAuthorization(value: string): string {
  const match = /^(Bearer\s+)?(t-|u-)?/.exec(value);
  return `${match?.[1] ?? ''}${match?.[2] ?? ''}${REDACTED}`;
}

/** What a header name shows as: its lower-case name as a JSON key, and how its value is kept. */
interface HeaderName {
  key: string;
  value: 'kept' | 'redacted' | 'authorization';
}

// Every request sends the same few names; the memo is bounded, as clients choose the names.
const headerNames = new Map<string, HeaderName>();
function headerName(name: string): HeaderName {
  let known = headerNames.get(name);
  if (known === undefined) {
    const lower = name.toLowerCase();
    const value = lower === 'authorization' ? 'authorization' : lower === 'cookie' || lower === 'set-cookie' || spellsSecret(lower) ? 'redacted' : 'kept';
    known = { key: `${jsonString(lower)}:`, value };
    if (headerNames.size < 512) headerNames.set(name, known);
  }
  return known;
}

/**
 * Headers as a JSON object text, names in lower case, credentials redacted. Written as text rather
 * than a redacted copy then stringified: every Open API request pays this twice.
 */
export function redactedHeadersJson(headers: Record<string, unknown>): string {
  let out = '';
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    const known = headerName(name);
    const shown = known.value === 'kept' ? jsonString(text) : known.value === 'redacted' ? `"${REDACTED}"` : jsonString(redactAuthorization(text));
    out += `${out === '' ? '{' : ','}${known.key}${shown}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

const KEY_ALTERNATIVES = [...SECRET_KEYS].join('|');
/** A secret-bearing key and its string value, in JSON text. */
const SECRET_STRING_PAIR = new RegExp(`"(${KEY_ALTERNATIVES})"(\\s*:\\s*)"[^"]*"`, 'g');
/** A secret-bearing key, whatever its value. */
const SECRET_KEY = new RegExp(`"(?:${KEY_ALTERNATIVES})"\\s*:`, 'g');

/**
 * Valid JSON text with every secret-bearing key's value redacted, the rest as written, as
 * redactBody would redact it parsed; without parsing it, which the token endpoints would pay twice a
 * request. Undefined when the text needs parsing to tell: with a backslash a quote may be escaped,
 * and a secret key whose value is not a string is left to redactBody. Without backslashes every
 * quote opens or closes a string, so a quoted name before a colon is a key.
 */
export function redactJsonText(text: string): string | undefined {
  if (text.includes('\\')) return undefined;
  let redacted = 0;
  const out = text.replace(SECRET_STRING_PAIR, (_pair, key: string, colon: string) => {
    redacted++;
    return `"${key}"${colon}"${REDACTED}"`;
  });
  return (text.match(SECRET_KEY)?.length ?? 0) === redacted ? out : undefined;
}

/** A query or body key that carries a credential. */
export const isSecretKey = (key: string) => SECRET_KEYS.has(key);

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
