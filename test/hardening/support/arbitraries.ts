// Adversarial inputs for the platform surface. Everything that names stored things (tokens,
// status ids) is symbolic here and resolved when the request is sent, so runs stay meaningful
// while the store changes underneath them.
import fc from 'fast-check';
import { COLORS, ICON_KEYS, UPDATE_FIELDS } from '../../../src/domain/enums.js';
import { MAX_END_TIME_SPAN_SECONDS } from '../../../src/domain/end-time.js';
import { openIdOf, unionIdOf } from '../../helpers/known-ids.js';
import { ACME, GLOBEX } from '../../helpers/test-seed.js';

/** Strings that have broken text handling somewhere: encodings, lengths, invisible and bidi marks. */
export const UNICODE_EDGES = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDBFF',
  '\uDC00y',
  '\uDFFF\uD800',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'e\u0301\u0301\u0301\u0301',
  'Z̷̢̛̪̫a̶̧̛l̵g̸o̴',
  'مرحبا',
  '\u202Eabc\u202C',
  'שלום עולם',
  '\uFEFF',
  '\u200B\u200C\u200D',
  '\r\n\t',
  '中'.repeat(10),
  '中'.repeat(11),
  'a'.repeat(20),
  'a'.repeat(21),
  'Ａ'.repeat(10),
  '𠀀'.repeat(10),
  '😀'.repeat(10),
  '😀'.repeat(11),
  '\u{10FFFF}',
  '\uFFFE\uFFFF',
  '<script>alert(1)</script>',
  "'; DROP TABLE system_statuses; --",
  '%00%ff',
  '\\u0000',
  'sensitive-word',
  '敏感词',
  '出差',
  '请假',
];

export const unicodeText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 25 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...UNICODE_EDGES), fc.string({ maxLength: 6 })).map(([a, b]) => a + b) },
  );

/** Numbers and non-numbers at and past every limit. */
export const anyNumberish = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.integer({ min: -3, max: 12 }),
    fc.constantFrom(0, -0, 9, 10, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 53), 1e300, Number.MAX_SAFE_INTEGER + 2),
    fc.double(),
    fc.constantFrom('0', '1', '9', '10', '1.5', '1e1', '0x10', ' 1', '', 'NaN', 'Infinity', '-1'),
    fc.constantFrom(null, true, false, [], {}, [1]),
  );

/** end_time relative to the frozen now: at, around and past every boundary, in every type. */
export const endTime = (nowSeconds: number): fc.Arbitrary<unknown> => {
  const max = nowSeconds + MAX_END_TIME_SPAN_SECONDS;
  const boundaries = [nowSeconds - 1, nowSeconds, nowSeconds + 1, max - 1, max, max + 1, 0, -1, -nowSeconds];
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...boundaries) },
    { weight: 2, arbitrary: fc.constantFrom(...boundaries).map(String) },
    { weight: 3, arbitrary: fc.integer({ min: nowSeconds - 10, max: max + 10 }) },
    { weight: 1, arbitrary: fc.integer({ min: nowSeconds + 1, max }).map(String) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        nowSeconds + 1.5,
        nowSeconds + 0.0001,
        `${nowSeconds + 60}.0`,
        `${nowSeconds + 60}.5`,
        `${nowSeconds + 60}e0`,
        ` ${nowSeconds + 60}`,
        `+${nowSeconds + 60}`,
        `0${nowSeconds + 60}`,
        '',
        'abc',
        'NaN',
        '1e9',
        '0x7fffffff',
        '９９９９９９９９９９',
        1e20,
        -1e20,
        Number.MAX_SAFE_INTEGER,
        Number.MAX_SAFE_INTEGER + 2,
        null,
        true,
        [nowSeconds + 60],
        { seconds: nowSeconds + 60 },
      ),
    },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: unicodeText() },
  );
};

const SEED_USERS = ['u001', 'u002', 'u003', 'u004', 'u005', 'u006', 'nobody'];
const ACME_APPS = ['cli_acme0000000000001', 'cli_acme0000000000002', 'cli_acme0000000000003'];

/** User ids of every type and owner: the caller's own, other apps', other developers', other tenants', garbage. */
export const userId = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...ACME_APPS), fc.constantFrom(...SEED_USERS)).map(([app, user]) => openIdOf(app, ACME, user)) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('acme', 'someone-else'), fc.constantFrom(...SEED_USERS)).map(([dev, user]) => unionIdOf(dev, ACME, user)) },
    { weight: 2, arbitrary: fc.constantFrom(...SEED_USERS) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        openIdOf('cli_globex0000000001', GLOBEX, 'u001'),
        unionIdOf('acme', GLOBEX, 'u001'),
        unionIdOf('acme', GLOBEX, 'g002'),
        'g002',
        'i001',
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom('ou_', 'on_', 'ou_' + '0'.repeat(32), '', ' u001', 'U001', 'u001\u0000') },
    { weight: 1, arbitrary: unicodeText() },
  );

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });

/** Sometimes the right type, sometimes any JSON at all. */
const loosely = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 5, arbitrary }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });

const i18n = () =>
  loosely(fc.record({ zh_cn: maybe(loosely(unicodeText())), en_us: maybe(loosely(unicodeText())), ja_jp: maybe(loosely(unicodeText())) }, { requiredKeys: [] }));

export const statusBody = (): fc.Arbitrary<unknown> =>
  fc.record(
    {
      title: loosely(unicodeText()),
      i18n_title: i18n(),
      icon_key: loosely(fc.oneof(fc.constantFrom(...ICON_KEYS), fc.constantFrom('generalbusinesstrip', 'Unknown', ''))),
      color: loosely(fc.oneof(fc.constantFrom(...COLORS), fc.constantFrom('blue', 'PINK', ''))),
      priority: anyNumberish(),
      sync_setting: loosely(
        fc.record(
          { is_open_by_default: loosely(fc.boolean()), title: loosely(unicodeText()), explain: loosely(unicodeText()), i18n_title: i18n(), i18n_explain: i18n() },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  );

export const patchBody = (): fc.Arbitrary<unknown> =>
  fc.record(
    {
      system_status: loosely(statusBody()),
      update_fields: loosely(fc.array(fc.oneof(fc.constantFrom(...UPDATE_FIELDS), fc.constantFrom('title', 'NAME', '')), { maxLength: 8 })),
    },
    { requiredKeys: [] },
  );

/** Empty, small, at and past 50, and sometimes huge; with duplicates of one user. */
const listOf = <T>(item: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.array(item, { minLength: 0, maxLength: 8 }) },
    { weight: 1, arbitrary: fc.array(item, { minLength: 49, maxLength: 52 }) },
    { weight: 1, arbitrary: item.map((one) => Array.from({ length: 50 }, () => one)) },
    { weight: 1, arbitrary: fc.integer({ min: 51, max: 3000 }).chain((n) => item.map((one) => Array.from({ length: n }, () => one))) },
  );

export const batchOpenBody = (nowSeconds: number): fc.Arbitrary<unknown> =>
  fc.record(
    { user_list: loosely(listOf(loosely(fc.record({ user_id: loosely(userId()), end_time: endTime(nowSeconds) }, { requiredKeys: [] })))) },
    { requiredKeys: [] },
  );

export const batchCloseBody = (): fc.Arbitrary<unknown> =>
  fc.record({ user_list: loosely(listOf(loosely(userId()))) }, { requiredKeys: [] });

/** Percent-encodes anything, lone surrogates too (as their CESU-8 bytes, which are not valid UTF-8). */
export function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

/** Symbolic references resolved at send time. */
export type StatusRef = 'own' | 'foreign' | 'deleted' | { raw: string };

export const statusRef = (): fc.Arbitrary<StatusRef> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<StatusRef>('own', 'foreign', 'deleted') },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom('0', '-1', '1.5', '1e18', '7'.repeat(19), '9'.repeat(20), '9'.repeat(21), '1'.repeat(300), ' 1', '%20', '..', '%2e%2e', '%00', '%2F', 'null', 'undefined'),
          unicodeText().map(percentEncode),
          fc.string({ maxLength: 30 }).map(percentEncode),
        )
        .map((raw) => ({ raw })),
    },
    { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%zz', '%C0%AF', '%ED%A0%80').map((raw) => ({ raw })) },
  );

export const TOKEN_NAMES = ['acme', 'acme2', 'acme_other_dev', 'acme_no_scope', 'acme_no_employee', 'acme_store', 'globex', 'initech', 'app_token'] as const;
export type TokenName = (typeof TOKEN_NAMES)[number];

export const authorization = (): fc.Arbitrary<{ token: TokenName; prefix: string } | { raw: string } | undefined> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record({ token: fc.constantFrom<TokenName>(...TOKEN_NAMES, 'acme', 'acme', 'acme'), prefix: fc.constant('Bearer ') }) },
    { weight: 1, arbitrary: fc.record({ token: fc.constant<TokenName>('acme'), prefix: fc.constantFrom('bearer ', 'Bearer  ', 'Basic ', '', 'Bearer\t') }) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom('', 'Bearer', 'Bearer ', 'Bearer t-', 'Bearer u-x', 'Bearer eyJhbGciOiJub25lIn0.e30.', 'Bearer t-' + '0'.repeat(40), 'Bearer t-' + 'g'.repeat(4000)),
          fc.string({ maxLength: 60 }).map((text) => `Bearer ${text}`),
        )
        .map((raw) => ({ raw })),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

export const contentType = (): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        undefined,
        'APPLICATION/JSON',
        'application/json; charset=latin1',
        'application/json;charset=UTF-16',
        'text/plain',
        'text/html',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=xyz',
        'application/octet-stream',
        'application/json, text/plain',
        'application/vnd.api+json',
        '',
        ';;;',
        'application/json; boundary=',
      ),
    },
  );

/** Query strings: the real keys with adversarial values, repeats, unknown keys, raw garbage. */
export const queryString = (): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.constantFrom('user_id_type', 'page_size', 'page_token', 'user_id_type', 'page_size', 'x', '__proto__', 'constructor'),
            fc.oneof(
              fc.constantFrom('open_id', 'union_id', 'user_id', 'OPEN_ID', '', '1', '50', '51', '0', '-1', '1.5', '1e1', '0x10', ' 5', '5 ', 'abc'),
              fc.constantFrom('c3lzc3RhdHVzOnYxOjE', 'c3lzc3RhdHVzOnYxOjk5OTk5OTk5OTk5OTk5OTk5OTk5', 'sysstatus:v1:1', '!!!'),
              unicodeText(),
            ),
          ),
          { maxLength: 4 },
        )
        .map((pairs) => new URLSearchParams(pairs).toString()),
    },
    { weight: 1, arbitrary: fc.constantFrom('&&&', '=', 'page_size', 'page_size[]=1', 'page_size[a]=1', '%', '%zz=1', 'a=%E0%A4%A', ';page_size=1', '?') },
  );

export type Route = 'create' | 'list' | 'patch' | 'delete' | 'batch_open' | 'batch_close' | 'tenant_token' | 'app_token';
