import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textUnits } from '../../src/domain/text-length.js';

test('a Chinese character counts 2, ASCII counts 1', () => {
  assert.equal(textUnits('出差'), 4);
  assert.equal(textUnits('On trip'), 7);
  assert.equal(textUnits('出差 trip'), 9);
});

test('kana, Hangul and full-width forms count 2; emoji count per code point', () => {
  assert.equal(textUnits('しゅっちょう'), 12);
  assert.equal(textUnits('출장'), 4);
  assert.equal(textUnits('ＡＢ'), 4);
  assert.equal(textUnits('😀'), 2);
  assert.equal(textUnits('é'), 1);
});

test('empty text has no units', () => {
  assert.equal(textUnits(''), 0);
});
