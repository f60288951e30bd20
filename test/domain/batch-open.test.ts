import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type BatchOpenEntry, planBatchOpen, type UserState } from '../../src/domain/batch-open.js';
import { planBatchClose } from '../../src/domain/batch-close.js';
import { PlatformError } from '../../src/domain/errors.js';
import { definitionForCreate, type SystemStatus } from '../../src/domain/system-status.js';
import type { ResolvedUser } from '../../src/domain/user-resolution.js';
import { shownStatus, type UserStatusOpen } from '../../src/domain/user-status.js';
import { seededRandom } from '../../src/emulator/seeded-random.js';

const NOW_MS = 1_767_225_600_000;
const NOW = NOW_MS / 1000;
const status = (id: string, priority: number, openByDefault = true): SystemStatus => ({
  system_status_id: id,
  ...definitionForCreate({ title: `s${id}`, icon_key: 'Coffee', priority, sync_setting: { is_open_by_default: openByDefault } }),
});
const open = (s: SystemStatus, endTime: number, extra: Partial<UserStatusOpen> = {}): UserStatusOpen => ({
  system_status_id: s.system_status_id,
  end_time: endTime,
  opened_at: NOW_MS - 1000,
  title: s.title,
  icon_key: s.icon_key,
  color: s.color,
  priority: s.priority,
  open_by_default: true,
  sync_on: true,
  ...extra,
});
const user = (user_id: string, extra: Partial<Extract<ResolvedUser, { kind: 'user' }>> = {}): ResolvedUser => ({
  kind: 'user',
  user_id,
  resigned: false,
  visible: true,
  ...extra,
});
const entry = (user_id: string, resolved: ResolvedUser, end = NOW + 3600): BatchOpenEntry => ({
  user_id,
  end_time_raw: String(end),
  end_time: end,
  resolved,
});

describe('planBatchOpen', () => {
  const trip = status('2', 1);
  const leave = status('1', 0);
  const meeting = status('3', 2);

  test('success_show when nothing of higher priority is shown', () => {
    const plan = planBatchOpen(trip, [entry('ou_a', user('a'))], new Map(), NOW_MS);
    assert.deepEqual(plan.result_list, [{ user_id: 'ou_a', end_time: String(NOW + 3600), result: 'success_show' }]);
    assert.equal(plan.writes[0].open.opened_at, NOW_MS);
    assert.deepEqual(plan.shown_changes, [{ user_id: 'a', before: undefined, after: '2' }]);
  });

  test("shown changes come in the writes' order, a subsequence of them (the events pair them in one walk)", () => {
    // Named out of order: d shows trip, c keeps leave shown, b and a show trip, e keeps leave.
    const states = new Map<string, UserState>([
      ['c', { opens: [open(leave, NOW + 60)] }],
      ['e', { opens: [open(leave, NOW + 60)] }],
      ['b', { opens: [open(meeting, NOW + 60)] }],
    ]);
    const named = ['d', 'c', 'e', 'b', 'a'];
    const plan = planBatchOpen(trip, named.map((id) => entry(`ou_${id}`, user(id))), states, NOW_MS);
    assert.deepEqual(plan.writes.map((write) => write.user_id), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(plan.shown_changes.map((change) => change.user_id), ['a', 'b', 'd']);
  });

  test('a higher-priority (smaller number) status already shown wins', () => {
    const states = new Map<string, UserState>([['a', { opens: [open(leave, NOW + 60)] }]]);
    const plan = planBatchOpen(trip, [entry('ou_a', user('a'))], states, NOW_MS);
    assert.equal(plan.result_list[0].result, 'success_user_in_higher_priority_system_status');
    assert.deepEqual(plan.shown_changes, []);
  });

  test('a lower-priority status shown is displaced', () => {
    const states = new Map<string, UserState>([['a', { opens: [open(meeting, NOW + 60)] }]]);
    const plan = planBatchOpen(trip, [entry('ou_a', user('a'))], states, NOW_MS);
    assert.equal(plan.result_list[0].result, 'success_show');
    assert.deepEqual(plan.shown_changes, [{ user_id: 'a', before: '3', after: '2' }]);
  });

  test('expired or sync-off opens do not count as shown', () => {
    const states = new Map<string, UserState>([
      ['a', { opens: [open(leave, NOW)] }],
      ['b', { opens: [open(leave, NOW + 60, { sync_on: false })] }],
    ]);
    const plan = planBatchOpen(trip, [entry('ou_a', user('a')), entry('ou_b', user('b'))], states, NOW_MS);
    assert.deepEqual(plan.result_list.map((r) => r.result), ['success_show', 'success_show']);
  });

  test('sync off (by the user, or by the default) answers success_user_close_syn and still opens', () => {
    const states = new Map<string, UserState>([['a', { opens: [], sync_preference: false }]]);
    const plan = planBatchOpen(trip, [entry('ou_a', user('a'))], states, NOW_MS);
    assert.equal(plan.result_list[0].result, 'success_user_close_syn');
    assert.equal(plan.writes.length, 1);
    const offByDefault = planBatchOpen(status('4', 4, false), [entry('ou_b', user('b'))], new Map(), NOW_MS);
    assert.equal(offByDefault.result_list[0].result, 'success_user_close_syn');
    const optedIn = planBatchOpen(status('4', 4, false), [entry('ou_b', user('b'))], new Map([['b', { opens: [], sync_preference: true }]]), NOW_MS);
    assert.equal(optedIn.result_list[0].result, 'success_show');
  });

  test('re-opening an active status replaces end_time and keeps its definition', () => {
    const old = open(trip, NOW + 60, { title: 'old title', opened_at: NOW_MS - 5000 });
    const plan = planBatchOpen(trip, [entry('ou_a', user('a'), NOW + 7200)], new Map([['a', { opens: [old], open: old }]]), NOW_MS);
    assert.equal(plan.writes[0].open.title, 'old title');
    assert.equal(plan.writes[0].open.end_time, NOW + 7200);
    assert.equal(plan.writes[0].open.opened_at, NOW_MS - 5000);
    assert.equal(plan.writes[0].replaced, true);
  });

  test('re-opening an expired status takes the current definition', () => {
    const old = open(trip, NOW - 1, { title: 'old title' });
    const plan = planBatchOpen(trip, [entry('ou_a', user('a'))], new Map([['a', { opens: [old], open: old }]]), NOW_MS);
    assert.equal(plan.writes[0].open.title, trip.title);
    assert.equal(plan.writes[0].replaced, false);
  });

  test('per-user refusals: invalid, invisible before resigned, resigned', () => {
    const plan = planBatchOpen(
      trip,
      [
        entry('x', { kind: 'invalid' }),
        entry('ou_i', user('i', { visible: false, resigned: true })),
        entry('ou_r', user('r', { resigned: true })),
      ],
      new Map(),
      NOW_MS,
    );
    assert.deepEqual(plan.result_list.map((r) => r.result), ['invalid_user_id', 'invisible_user_id', 'resign_user_id']);
    assert.equal(plan.writes.length, 0);
  });

  test('a user of another tenant fails the whole request', () => {
    assert.throws(
      () => planBatchOpen(trip, [entry('ou_a', user('a')), entry('ou_x', { kind: 'other_tenant' })], new Map(), NOW_MS),
      (e) => e instanceof PlatformError && e.spec.code === 2005006,
    );
  });

  test('a user named twice ends with the last end_time; each entry is answered', () => {
    const plan = planBatchOpen(trip, [entry('ou_a', user('a'), NOW + 100), entry('ou_a', user('a'), NOW + 200)], new Map(), NOW_MS);
    assert.equal(plan.result_list.length, 2);
    assert.equal(plan.writes.length, 1);
    assert.equal(plan.writes[0].open.end_time, NOW + 200);
  });

  test('a user named twice with nothing open is opened, not replaced: the plan describes before → after', () => {
    const plan = planBatchOpen(trip, [entry('x3', user('a'), NOW + 100), entry('x3', user('a'), NOW + 200)], new Map(), NOW_MS);
    assert.deepEqual(plan.writes.map((w) => [w.user_id, w.open.end_time, w.replaced]), [['a', NOW + 200, false]]);
    assert.deepEqual(plan.shown_changes, [{ user_id: 'a', before: undefined, after: '2' }]);
  });

  test('a user named twice with the status already open is replaced once, and nothing shown changes', () => {
    const states = new Map<string, UserState>([['a', { opens: [open(trip, NOW + 60)], open: open(trip, NOW + 60) }]]);
    const plan = planBatchOpen(trip, [entry('x3', user('a'), NOW + 100), entry('x3', user('a'), NOW + 200)], states, NOW_MS);
    assert.deepEqual(plan.writes.map((w) => [w.user_id, w.open.end_time, w.replaced]), [['a', NOW + 200, true]]);
    assert.deepEqual(plan.shown_changes, []);
  });

  test('writes come in user_id order', () => {
    const plan = planBatchOpen(trip, [entry('1', user('c')), entry('2', user('a')), entry('3', user('b'))], new Map(), NOW_MS);
    assert.deepEqual(plan.writes.map((w) => w.user_id), ['a', 'b', 'c']);
  });
});

describe('shownStatus', () => {
  test('equal priorities (old definitions) go to the later open', () => {
    const s = status('1', 1);
    const older = open(s, NOW + 60, { system_status_id: 'old', opened_at: 1 });
    const newer = open(s, NOW + 60, { system_status_id: 'new', opened_at: 2 });
    assert.equal(shownStatus([older, newer], NOW)?.system_status_id, 'new');
  });
});

describe('planBatchClose', () => {
  const trip = status('2', 1);
  const leave = status('1', 0);

  test('closing succeeds whether or not the status was open', () => {
    const opens = new Map([['a', [open(trip, NOW + 60), open(leave, NOW + 60, { priority: 5 })]]]);
    const plan = planBatchClose('2', [{ user_id: 'ou_a', resolved: user('a') }, { user_id: 'ou_b', resolved: user('b') }], opens, NOW_MS);
    assert.deepEqual(plan.result_list, [
      { user_id: 'ou_a', result: 'success' },
      { user_id: 'ou_b', result: 'success' },
    ]);
    assert.deepEqual(plan.closes, [
      { user_id: 'a', was_open: true },
      { user_id: 'b', was_open: false },
    ]);
    assert.deepEqual(plan.shown_changes, [{ user_id: 'a', before: '2', after: '1' }]);
  });

  test('an open that has expired is not closed again: removed, but no close to tell', () => {
    const opens = new Map([['a', [open(trip, NOW - 1)]]]);
    const plan = planBatchClose('2', [{ user_id: 'ou_a', resolved: user('a') }, { user_id: 'ou_a', resolved: user('a') }], opens, NOW_MS);
    assert.deepEqual(plan.result_list.map((r) => r.result), ['success', 'success']);
    assert.deepEqual(plan.closes, [{ user_id: 'a', was_open: false }]);
    assert.deepEqual(plan.removes, ['a']);
    assert.deepEqual(plan.shown_changes, []);
  });

  test('over random opens, each user is planned as from their opens with the closed one filtered out', () => {
    const next = seededRandom(5);
    const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)];
    const ids = ['1', '2', '3', '4'];
    for (let round = 0; round < 300; round++) {
      const users = ['a', 'b', 'c', 'd', 'e', 'f'];
      const opens = new Map(
        users.map((id) => [
          id,
          ids.filter(() => next() < 0.6).map((sid) => ({
            system_status_id: sid,
            end_time: NOW + pick([-60, 0, 60]),
            opened_at: NOW_MS - pick([0, 1000]),
            priority: pick([0, 1, 2]),
            sync_on: next() < 0.7,
          })),
        ]),
      );
      const closed = pick(ids);
      const plan = planBatchClose(closed, users.map((id) => ({ user_id: `ou_${id}`, resolved: user(id) })), opens, NOW_MS);
      for (const id of users) {
        const all = opens.get(id)!;
        const remaining = all.filter((o) => o.system_status_id !== closed);
        const at = `round ${round}, user ${id}`;
        assert.equal(plan.removes.includes(id), remaining.length !== all.length, at);
        assert.equal(plan.closes.find((c) => c.user_id === id)!.was_open, all.some((o) => o.system_status_id === closed && o.end_time > NOW), at);
        const before = shownStatus(all, NOW)?.system_status_id;
        const after = shownStatus(remaining, NOW)?.system_status_id;
        assert.deepEqual(plan.shown_changes.find((c) => c.user_id === id), before === after ? undefined : { user_id: id, before, after }, at);
      }
    }
  });

  test('refusals and other-tenant users as in batch_open', () => {
    const plan = planBatchClose('2', [{ user_id: 'x', resolved: { kind: 'invalid' } }, { user_id: 'r', resolved: user('r', { resigned: true }) }], new Map(), NOW_MS);
    assert.deepEqual(plan.result_list.map((r) => r.result), ['invalid_user_id', 'resign_user_id']);
    assert.throws(() => planBatchClose('2', [{ user_id: 'x', resolved: { kind: 'other_tenant' } }], new Map(), NOW_MS), PlatformError);
  });
});
