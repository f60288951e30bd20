import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand } from '../../src/cli/parse-args.js';

test('serve is the default, with the documented defaults', () => {
  const { name, config } = parseCommand([], {});
  assert.equal(name, 'serve');
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 3000);
  assert.equal(config.data_dir, './data');
  assert.equal(config.rate_limits, true);
  assert.ok(Object.isFrozen(config));
});

test('flags win over the environment', () => {
  const { config } = parseCommand(['serve', '--port', '4000', '--memory', '--rate-limits', 'off', '--seed', 's.yaml'], { PORT: '5000' });
  assert.equal(config.port, 4000);
  assert.equal(config.memory, true);
  assert.equal(config.rate_limits, false);
  assert.equal(config.seed_file, 's.yaml');
  assert.equal(parseCommand([], { PORT: '5000' }).config.port, 5000);
});

test('bad input is refused with a clear message', () => {
  assert.throws(() => parseCommand(['serve', '--port', 'x'], {}), /invalid port/);
  assert.throws(() => parseCommand(['serve', '--rate-limits', 'maybe'], {}), /on or off/);
  assert.throws(() => parseCommand(['launch'], {}), /unknown command/);
  assert.throws(() => parseCommand(['--bogus'], {}), /bogus/);
});
