import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { withStatementCache } from '../../../../src/store/engines/sqlite/statement-cache.js';

describe('withStatementCache', () => {
  const open = () => {
    const database = new SqliteDatabase(':memory:');
    database.exec('create table t (n integer)');
    return database;
  };

  it('hands out the same compiled statement for the same SQL', () => {
    const cached = withStatementCache(open());
    const first = cached.prepare('select n from t');
    assert.equal(cached.prepare('select n from t'), first);
    assert.notEqual(cached.prepare('select n + 1 from t'), first);
    cached.close();
  });

  it('keeps only the most recently used statements', () => {
    const cached = withStatementCache(open(), 2);
    const a = cached.prepare('select 1');
    cached.prepare('select 2');
    assert.equal(cached.prepare('select 1'), a); // a is now the most recent
    cached.prepare('select 3'); // evicts "select 2"
    assert.equal(cached.prepare('select 1'), a);
    const two = cached.prepare('select 2');
    assert.equal(cached.prepare('select 2'), two);
    cached.close();
  });

  it('gives a fresh statement while the cached one is still iterating', () => {
    const database = open();
    database.exec('insert into t values (1), (2)');
    const cached = withStatementCache(database);
    const statement = cached.prepare('select n from t');
    const rows = statement.iterate([]);
    rows.next();
    const other = cached.prepare('select n from t');
    assert.notEqual(other, statement);
    assert.deepEqual(other.all([]), [{ n: 1 }, { n: 2 }]);
    rows.return?.();
    cached.close();
  });

  it('runs writes through cached statements', () => {
    const cached = withStatementCache(open());
    for (let n = 0; n < 3; n++) cached.prepare('insert into t values (?)').run([n]);
    assert.deepEqual(cached.prepare('select count(*) as c from t').all([]), [{ c: 3 }]);
    cached.close();
  });
});
