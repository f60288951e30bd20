// Properties with an exact model: for end_time and for titles, the answer is predicted from the
// documented rules alone, and what is accepted is stored exactly as sent.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_SENSITIVE_WORDS } from '../../src/config.js';
import { MAX_END_TIME_SPAN_SECONDS } from '../../src/domain/end-time.js';
import { textUnits } from '../../src/domain/text-length.js';
import { ACME, ACME_APP } from '../helpers/test-seed.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { openIdOf, startTestApp, STATUSES_URL, T0, type TestApp } from '../helpers/test-app.js';
import { endTime, unicodeText } from './support/arbitraries.js';
import { fuzzParameters, report } from './support/fuzz-config.js';
import { assertEnvelope } from './support/oracle.js';

const NOW_S = T0 / 1000;

/** docs/compatibility.md §8: whole seconds as a number or a decimal string, after now, at most 365 days ahead. */
function endTimeIsValid(raw: unknown): boolean {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\d+$/.test(raw) && raw.length <= 15) value = Number(raw);
  else return false;
  return Number.isSafeInteger(value) && value > NOW_S && value <= NOW_S + MAX_END_TIME_SPAN_SECONDS;
}

/** docs/compatibility.md §5: 1–20 units, well-formed text the databases can keep, no sensitive word, not taken. */
function titleIsValid(title: string, taken: readonly string[]): boolean {
  const units = textUnits(title);
  if (units < 1 || units > 20) return false;
  if (/\p{Cs}/u.test(title) || title.includes('\u0000')) return false;
  if (DEFAULT_SENSITIVE_WORDS.some((word) => title.toLowerCase().includes(word.toLowerCase()))) return false;
  return !taken.includes(title);
}

describeEachEngine('model properties', (engine) => {
  let t: TestApp;
  let token: string;
  let statusId: string;
  before(async () => {
    t = await startTestApp({ engine });
    token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    statusId = (await t.services.store.listSystemStatuses(ACME))[0].system_status_id;
  });
  after(() => t.close());

  test('batch_open accepts end_time exactly when it is whole seconds in (now, now + 365 days], and stores it', async () => {
    const user = openIdOf(ACME_APP.app_id, ACME, 'u001');
    const tally = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(endTime(NOW_S), fc.boolean(), async (raw, twice) => {
        const before = await t.services.store.dump();
        const entry = { user_id: user, end_time: raw };
        const response = await t.request({
          method: 'POST',
          url: `${STATUSES_URL}/${statusId}/batch_open`,
          token,
          payload: { user_list: twice ? [{ user_id: user, end_time: NOW_S + 60 }, entry] : [entry] },
        });
        const body = assertEnvelope(response, `end_time ${JSON.stringify(raw)}`) as { code: number; data?: { result_list: { end_time: unknown }[] } };
        if (!endTimeIsValid(raw)) {
          tally.refused++;
          assert.equal(body.code, 2005001, `end_time ${JSON.stringify(raw)} must be refused`);
          assert.deepEqual(await t.services.store.dump(), before, 'a refused batch stores nothing, not even its valid entries');
          return;
        }
        tally.accepted++;
        assert.equal(body.code, 0, `end_time ${JSON.stringify(raw)} must be accepted: ${response.body}`);
        // Echoed exactly as sent, number as number, string as string.
        assert.deepEqual(body.data!.result_list.at(-1)!.end_time, raw);
        const opens = (await t.services.store.userOpens(ACME, ['u001'])).get('u001')!;
        assert.equal(opens.find((open) => open.system_status_id === statusId)!.end_time, Number(raw), 'the last entry wins');
      }),
      fuzzParameters(250),
    );
    report(`end_time ${engine} accepted / refused`, `${tally.accepted} / ${tally.refused}`);
    assert.ok(tally.accepted > 0 && tally.refused > 0);
  });

  test('create accepts a title exactly when the documented rules allow it, and keeps it byte for byte', async () => {
    const tally = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(unicodeText(), async (title) => {
        const existing = await t.services.store.listSystemStatuses(ACME);
        const taken = existing.flatMap((status) => [status.title, ...Object.values(status.i18n_title ?? {})]);
        const priority = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].find((p) => !existing.some((s) => s.priority === p))!;
        const before = await t.services.store.dump();
        const response = await t.request({ method: 'POST', url: STATUSES_URL, token, payload: { title, icon_key: 'Coffee', priority } });
        const body = assertEnvelope(response, `title ${JSON.stringify(title)}`) as { code: number; data?: { system_status: { system_status_id: string; title: string } } };
        if (!titleIsValid(title, taken)) {
          tally.refused++;
          assert.notEqual(body.code, 0, `title ${JSON.stringify(title)} must be refused`);
          assert.deepEqual(await t.services.store.dump(), before);
          return;
        }
        tally.accepted++;
        assert.equal(body.code, 0, `title ${JSON.stringify(title)} must be accepted: ${response.body}`);
        const created = body.data!.system_status;
        assert.equal(created.title, title, 'the answer echoes the title exactly');
        const listed = (await t.request({ method: 'GET', url: STATUSES_URL, token })).json().data.items as { system_status_id: string; title: string }[];
        assert.equal(listed.find((item) => item.system_status_id === created.system_status_id)?.title, title, 'list returns the title exactly as stored');
        const deleted = await t.request({ method: 'DELETE', url: `${STATUSES_URL}/${created.system_status_id}`, token });
        assert.equal(deleted.json().code, 0);
      }),
      fuzzParameters(300),
    );
    report(`titles ${engine} accepted / refused`, `${tally.accepted} / ${tally.refused}`);
    assert.ok(tally.accepted > 0 && tally.refused > 0);
  });
});
