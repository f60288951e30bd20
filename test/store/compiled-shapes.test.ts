import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { CompiledShapes } from '../../src/store/compiled-shapes.js';

interface Db {
  t: { k: string; n: number };
}

describe('CompiledShapes', () => {
  const open = async () => {
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
    await sql`create table t (k text, n integer)`.execute(db);
    await db.insertInto('t').values([{ k: 'a', n: 1 }, { k: 'b', n: 2 }, { k: 'c', n: 3 }]).execute();
    return db;
  };

  it('builds a shape once and binds new parameters to its SQL', async () => {
    const db = await open();
    const shapes = new CompiledShapes();
    let builds = 0;
    const select = (keys: string[]) =>
      shapes.execute(db, `t:${keys.length}`, keys, () => {
        builds++;
        return db.selectFrom('t').select('n').where('k', 'in', keys).orderBy('n');
      });
    assert.deepEqual((await select(['a', 'c'])).rows, [{ n: 1 }, { n: 3 }]);
    assert.deepEqual((await select(['b', 'c'])).rows, [{ n: 2 }, { n: 3 }]);
    assert.deepEqual((await select(['b'])).rows, [{ n: 2 }]);
    assert.equal(builds, 2);
    await db.destroy();
  });

  it('refuses a shape whose parameters Kysely orders differently from the caller', async () => {
    const db = await open();
    const shapes = new CompiledShapes();
    await assert.rejects(
      shapes.execute(db, 'wrong', [2, 'a'], () => db.selectFrom('t').select('n').where('k', '=', 'a').where('n', '=', 2)),
      /ordered the parameters differently/,
    );
    await db.destroy();
  });

  it('runs writes', async () => {
    const db = await open();
    const shapes = new CompiledShapes();
    const rows = [{ k: 'd', n: 4 }];
    await shapes.execute(db, 'insert:1', rows.flatMap(Object.values), () => db.insertInto('t').values(rows));
    const more = [{ k: 'e', n: 5 }];
    await shapes.execute(db, 'insert:1', more.flatMap(Object.values), () => db.insertInto('t').values(more));
    assert.deepEqual(await db.selectFrom('t').select('k').where('n', '>', 3).orderBy('n').execute(), [{ k: 'd' }, { k: 'e' }]);
    await db.destroy();
  });
});
