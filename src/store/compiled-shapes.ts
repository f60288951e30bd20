import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

/**
 * Compiled SQL of the hot queries, kept per shape (which query, how many list items). Building
 * and compiling a Kysely query costs more than running it on an indexed table, so each shape is
 * built once; later calls bind new parameters to the same SQL. The first build of a shape checks
 * that Kysely put the parameters in the order the caller lists them, so a mismatch fails loudly
 * instead of binding values to the wrong columns.
 */
export class CompiledShapes {
  private readonly shapes = new Map<string, CompiledQuery>();

  constructor(private readonly max = 2048) {}

  async execute<R>(db: Kysely<any>, key: string, parameters: readonly unknown[], build: () => Compilable<R>): Promise<QueryResult<R>> {
    let compiled = this.shapes.get(key);
    if (!compiled) {
      compiled = build().compile();
      const expected = compiled.parameters;
      if (expected.length !== parameters.length || expected.some((value, index) => value !== parameters[index])) {
        throw new Error(`query shape ${key}: Kysely ordered the parameters differently from the caller`);
      }
      if (this.shapes.size >= this.max) this.shapes.clear();
      this.shapes.set(key, compiled);
    }
    return db.executeQuery<R>({ ...compiled, parameters } as CompiledQuery<R>);
  }
}
