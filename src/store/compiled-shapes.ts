import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

/**
 * Leads a statement whose answer nobody reads (a row lock, a write whose count is not needed). An
 * engine may hold it back and send it together with the next statement of its transaction; a
 * failure then surfaces from that statement. To SQL it is a comment.
 */
export const ANSWER_UNREAD = '/* answer unread */ ';

/** The query marked ANSWER_UNREAD. */
export const answerUnread = <R>(query: CompiledQuery<R>): CompiledQuery<R> => ({ ...query, sql: ANSWER_UNREAD + query.sql });

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

  /** `unread`: the caller reads nothing of the answer, so an engine may send the statement later (ANSWER_UNREAD). */
  async execute<R>(db: Kysely<any>, key: string, parameters: readonly unknown[], build: () => Compilable<R>, unread = false): Promise<QueryResult<R>> {
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
    const bound = { ...compiled, parameters } as CompiledQuery<R>;
    return db.executeQuery<R>(unread ? answerUnread(bound) : bound);
  }
}
