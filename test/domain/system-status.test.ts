import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PlatformError } from '../../src/domain/errors.js';
import {
  checkAgainstTenant,
  DEFAULT_SYNC_EXPLAIN,
  DEFAULT_SYNC_TITLE,
  definitionForCreate,
  definitionForPatch,
  statusNames,
  type SystemStatusDefinition,
} from '../../src/domain/system-status.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof PlatformError, String(error));
    return error.spec.code;
  }
  assert.fail('expected a PlatformError');
};

describe('definitionForCreate', () => {
  test('fills the platform defaults', () => {
    const definition = definitionForCreate({ title: '出差', icon_key: 'GeneralBusinessTrip' });
    assert.deepEqual(definition, {
      title: '出差',
      icon_key: 'GeneralBusinessTrip',
      color: 'BLUE',
      priority: 0,
      sync_setting: { is_open_by_default: true, title: DEFAULT_SYNC_TITLE, explain: DEFAULT_SYNC_EXPLAIN },
    });
  });

  test('titles are 1-20 units, a Chinese character counting 2', () => {
    assert.equal(definitionForCreate({ title: '一二三四五六七八九十', icon_key: 'Coffee' }).title.length, 10);
    assert.equal(code(() => definitionForCreate({ title: '一二三四五六七八九十一', icon_key: 'Coffee' })), 2005001);
    assert.equal(definitionForCreate({ title: 'a'.repeat(20), icon_key: 'Coffee' }).title.length, 20);
    assert.equal(code(() => definitionForCreate({ title: 'a'.repeat(21), icon_key: 'Coffee' })), 2005001);
    assert.equal(code(() => definitionForCreate({ title: '', icon_key: 'Coffee' })), 2005001);
    assert.equal(code(() => definitionForCreate({ title: 'x', icon_key: 'Coffee', i18n_title: { en_us: '' } })), 2005001);
    assert.equal(code(() => definitionForCreate({ title: 'x', icon_key: 'Coffee', i18n_title: { ja_jp: 'あ'.repeat(11) } })), 2005001);
  });

  test('sync_setting title is 1-30 units and explain 1-60 units', () => {
    assert.ok(definitionForCreate({ title: 'x', icon_key: 'Coffee', sync_setting: { title: '自'.repeat(15) } }));
    assert.equal(code(() => definitionForCreate({ title: 'x', icon_key: 'Coffee', sync_setting: { title: '自'.repeat(16) } })), 2005001);
    assert.ok(definitionForCreate({ title: 'x', icon_key: 'Coffee', sync_setting: { explain: 'e'.repeat(60) } }));
    assert.equal(code(() => definitionForCreate({ title: 'x', icon_key: 'Coffee', sync_setting: { explain: 'e'.repeat(61) } })), 2005001);
  });

  test('priority must be 0-9', () => {
    assert.equal(code(() => definitionForCreate({ title: 'x', icon_key: 'Coffee', priority: 10 })), 2005001);
    assert.equal(code(() => definitionForCreate({ title: 'x', icon_key: 'Coffee', priority: -1 })), 2005001);
    assert.equal(definitionForCreate({ title: 'x', icon_key: 'Coffee', priority: 9 }).priority, 9);
  });
});

describe('definitionForPatch', () => {
  const current = definitionForCreate({ title: '出差', icon_key: 'GeneralBusinessTrip', color: 'RED', priority: 1 });

  test('changes only the listed fields', () => {
    const next = definitionForPatch(current, { title: '外出', color: 'GREEN', priority: 5 }, ['TITLE']);
    assert.equal(next.title, '外出');
    assert.equal(next.color, 'RED');
    assert.equal(next.priority, 1);
  });

  test('a listed field must be present and valid; unlisted ones are not read', () => {
    assert.equal(code(() => definitionForPatch(current, {}, ['COLOR'])), 2005001);
    assert.equal(code(() => definitionForPatch(current, { priority: 12 }, ['PRIORITY'])), 2005001);
    assert.equal(definitionForPatch(current, { priority: 12, icon_key: 'Coffee' }, ['ICON']).icon_key, 'Coffee');
  });

  test('I18N_TITLE and SYNC_SETTING replace the whole object', () => {
    const withI18n = definitionForPatch(current, { i18n_title: { en_us: 'Trip' } }, ['I18N_TITLE']);
    assert.deepEqual(withI18n.i18n_title, { en_us: 'Trip' });
    assert.equal(definitionForPatch(withI18n, {}, ['I18N_TITLE']).i18n_title, undefined);
    const sync = definitionForPatch(current, { sync_setting: { is_open_by_default: false } }, ['SYNC_SETTING']);
    assert.deepEqual(sync.sync_setting, { is_open_by_default: false, title: DEFAULT_SYNC_TITLE, explain: DEFAULT_SYNC_EXPLAIN });
  });

  test('an empty update_fields is refused', () => {
    assert.equal(code(() => definitionForPatch(current, {}, [])), 2005001);
  });
});

describe('checkAgainstTenant', () => {
  const existing: SystemStatusDefinition[] = [
    definitionForCreate({ title: '出差', i18n_title: { en_us: 'Trip' }, icon_key: 'GeneralBusinessTrip', priority: 1 }),
  ];
  const candidate = (title: string, priority: number, en_us?: string) =>
    definitionForCreate({ title, icon_key: 'Coffee', priority, ...(en_us ? { i18n_title: { en_us } } : {}) });

  test('names are unique across titles and i18n titles', () => {
    assert.equal(code(() => checkAgainstTenant(candidate('出差', 2), existing, [], true)), 2005002);
    assert.equal(code(() => checkAgainstTenant(candidate('Trip', 2), existing, [], true)), 2005002);
    assert.equal(code(() => checkAgainstTenant(candidate('外出', 2, '出差'), existing, [], true)), 2005002);
    checkAgainstTenant(candidate('外出', 2, 'Out'), existing, [], true);
  });

  test('a status may repeat its own title in its i18n titles', () => {
    assert.deepEqual(statusNames({ title: '出差', i18n_title: { zh_cn: '出差', en_us: 'Trip' } }), ['出差', 'Trip']);
  });

  test('priorities are unique', () => {
    assert.equal(code(() => checkAgainstTenant(candidate('外出', 1), existing, [], true)), 2005005);
  });

  test('sensitive words are refused, case-insensitively', () => {
    assert.equal(code(() => checkAgainstTenant(candidate('BadWord here', 2), existing, ['badword'], true)), 2005003);
  });

  test('the eleventh status is refused before anything else', () => {
    const ten = Array.from({ length: 10 }, (_, i) => candidate(`s${i}`, i));
    assert.equal(code(() => checkAgainstTenant(candidate('s0', 0), ten, [], true)), 2005004);
    assert.equal(code(() => checkAgainstTenant(candidate('s0', 0), ten, [], false)), 2005002);
  });
});
