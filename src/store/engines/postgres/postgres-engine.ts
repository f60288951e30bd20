// The PostgreSQL engine: the shared Kysely store over node-postgres. The only file that imports
// `pg`. What PostgreSQL does differently from SQLite lives here: error codes, row locks,
// transaction retries, connection failures, int8 parsing.
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from 'kysely';
import pg from 'pg';
import pgUtils from 'pg/lib/utils.js';
import { ANSWER_UNREAD, answerUnread } from '../../compiled-shapes.js';
import { KyselyStore, type EngineDialect } from '../../kysely-store.js';
import { migrateToLatest } from '../../migrate.js';
import type { Database } from '../../schema.js';
import { type Store, StoreUnavailableError } from '../../store.js';

export interface PostgresStoreOptions {
  /** postgres://user@host:port/database; query parameters (options, statement_timeout, …) override the defaults below. */
  url: string;
  /** Keep the tables in this schema (created when missing) instead of the connection's current schema. */
  schema?: string;
  /** Drop that schema, with everything in it, on close (tests). */
  dropSchemaOnClose?: boolean;
  /** Connections per node (default 10). */
  poolSize?: number;
}

/** Bounded waits, so that a slow or hung database becomes a 503 instead of a hung request. */
const TIMEOUTS = {
  /** Waiting for a pooled connection or for a new one to open. */
  connectionTimeoutMillis: 5_000,
  /** One statement on the server. */
  statement_timeout: 10_000,
  /** Waiting for a row lock (e.g. behind a stuck batch on the same users). */
  lock_timeout: 5_000,
  /** A transaction left open by a vanished client is ended by the server. */
  idle_in_transaction_session_timeout: 30_000,
  /** Client-side bound when the server does not answer at all. */
  query_timeout: 15_000,
};

/** Serialization failure and deadlock: the transaction did nothing and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

/**
 * SQLSTATE classes that mean "the database is not there right now", not "the request is wrong":
 * 08 connection exception, 53 insufficient resources (too many connections, disk full),
 * 57 operator intervention (statement timeout 57014, shutdown 57P01-57P03); and 55P03, a lock
 * wait that hit lock_timeout.
 */
const UNAVAILABLE_CLASSES = ['08', '53', '57'];
const UNAVAILABLE_STATES = new Set(['55P03']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const DRIVER_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|Query read timeout|Connection ended/i;

const INT8_OID = 20;

/** int8 (bigint columns, counts) as JS numbers, for this engine's connections only. Times in ms fit easily. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const code = errorCode(error);
  if (code && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code))) return true;
  if (code && /^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_CLASSES.includes(code.slice(0, 2))) return true;
  return error instanceof Error && DRIVER_MESSAGES.test(error.message);
}

function asUnavailable(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  return new StoreUnavailableError(`database unavailable: ${(error as Error).message}`, { cause: error });
}

type QueryResult = Pick<pg.QueryResult, 'command' | 'rowCount' | 'rows'>;

/** What a held statement answers at once: nothing (its caller reads no answer). */
const HELD: QueryResult = { command: 'HELD', rowCount: null, rows: [] };

const NEEDS_ESCAPE = /['\\\0]/;

/** A parameter as a literal: the text pg would send for it, quoted (of unknown type, resolved by its context as $n is). */
function literal(value: unknown): string | undefined {
  const text = pgUtils.prepareValue(value);
  if (text === null) return 'null';
  if (typeof text !== 'string') return undefined;
  // Most values (numbers, IDs, timestamps) need no escapes: quoted as escapeLiteral would.
  if (!NEEDS_ESCAPE.test(text)) return `'${text}'`;
  // Text with NUL cannot travel in a simple query (the message ends there): such a statement goes alone.
  return text.includes('\0') ? undefined : pg.escapeLiteral(text);
}

/** A statement's text cut at its parameters: the text between them, and which parameter each is. */
interface StatementTemplate {
  pieces: string[];
  parameters: number[];
}

// The texts are the compiled shapes' (a few hundred at most), so cutting each once is enough: a
// 50-user write has 600 parameters, and a replace with a callback per parameter was ~0.3 ms of it.
const templates = new Map<string, StatementTemplate>();
const TEMPLATES_LIMIT = 1024;

function templateOf(text: string): StatementTemplate {
  let template = templates.get(text);
  if (template === undefined) {
    template = { pieces: [], parameters: [] };
    let last = 0;
    // Kysely writes parameters as $1…$n and nothing else of ours holds a dollar sign.
    for (const match of text.matchAll(/\$(\d+)/g)) {
      template.pieces.push(text.slice(last, match.index));
      template.parameters.push(Number(match[1]) - 1);
      last = match.index + match[0].length;
    }
    template.pieces.push(text.slice(last));
    if (templates.size >= TEMPLATES_LIMIT) templates.clear();
    templates.set(text, template);
  }
  return template;
}

/** The statement with its parameters written in, or undefined when one cannot be. */
function withLiterals(text: string, parameters: readonly unknown[]): string | undefined {
  if (parameters.length === 0) return text;
  const template = templateOf(text);
  let written = template.pieces[0];
  for (let at = 0; at < template.parameters.length; at++) {
    const parameter = template.parameters[at];
    if (parameter < 0 || parameter >= parameters.length) throw new Error(`statement names parameter $${parameter + 1} of ${parameters.length}`);
    const value = literal(parameters[parameter]);
    if (value === undefined) return undefined;
    written += value + template.pieces[at + 1];
  }
  return written;
}

/**
 * One pooled connection's statements. BEGIN and statements whose answer nobody reads
 * (ANSWER_UNREAD: a batch's row locks, its writes) are held back and sent with the next statement
 * as one message, so that the database answers them in one round trip: a batch_open takes four
 * instead of seven ([begin; status] → resolve → [lock; states] → [write; commit]), and holds its
 * users' locks for two instead of four. Measured under load, a transaction's connection spent
 * most of its time waiting for this process to send its next statement, and its lock waits
 * queued behind those gaps. Only the simple query protocol carries several statements and it
 * takes no parameters, so statements sent together have their parameters written in as literals.
 * Each statement still runs on its own snapshot, in order, in the same transaction; a held
 * statement's failure surfaces from the statement it travelled with.
 */
class ConnectionStatements {
  private held: string[] = [];
  /** Between BEGIN and COMMIT or ROLLBACK: only there may a statement wait for the next (one always follows). */
  private inTransaction = false;

  constructor(private readonly client: pg.PoolClient) {}

  async query(text: string, parameters: readonly unknown[]): Promise<QueryResult> {
    if (text === 'begin') this.inTransaction = true;
    if (this.inTransaction && (text === 'begin' || text.startsWith(ANSWER_UNREAD))) {
      const written = withLiterals(text, parameters);
      if (written !== undefined) {
        this.held.push(written);
        return HELD;
      }
    }
    if (text === 'commit' || text === 'rollback') this.inTransaction = false;
    if (this.held.length === 0) return this.client.query(text, parameters as unknown[]);
    const held = this.held;
    this.held = [];
    // Held statements never ran: a transaction whose BEGIN is still held never started.
    if (text === 'rollback') return held[0] === 'begin' ? { command: 'ROLLBACK', rowCount: null, rows: [] } : this.client.query(text);
    const written = withLiterals(text, parameters);
    if (written === undefined) {
      await this.client.query(held.join(';\n'));
      return this.client.query(text, parameters as unknown[]);
    }
    const results = (await this.client.query([...held, written].join(';\n'))) as unknown as QueryResult | QueryResult[];
    return Array.isArray(results) ? results[results.length - 1] : results;
  }

  /** A connection goes back to the pool with nothing held (a transaction always ends with a statement). */
  clear() {
    this.held = [];
    this.inTransaction = false;
  }
}

/** node-postgres' pool, with connection-level failures turned into StoreUnavailableError. */
class GuardedPool implements PostgresPool {
  private readonly clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();

  constructor(private readonly pool: pg.Pool) {}

  async connect(): Promise<PostgresPoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw asUnavailable(error);
    }
    // Kysely keys its connection state by client object, so each pg client keeps one wrapper.
    let guarded = this.clients.get(client);
    if (!guarded) {
      // A connection that breaks while checked out (between two statements of a transaction)
      // emits 'error' with nobody listening, which would end the process. Its next query fails
      // instead, and the pool drops it on release.
      client.on('error', () => {});
      const statements = new ConnectionStatements(client);
      const query = async (text: string, parameters: readonly unknown[]) => {
        try {
          return await statements.query(text, parameters);
        } catch (error) {
          throw asUnavailable(error);
        }
      };
      const release = (destroy?: boolean) => {
        statements.clear();
        client.release(destroy);
      };
      guarded = { query, release } as unknown as PostgresPoolClient;
      this.clients.set(client, guarded);
    }
    return guarded;
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const postgresDialect: EngineDialect = {
  name: 'postgres',
  errorAbortsTransaction: true,
  conflictRule(error) {
    if (errorCode(error) !== '23505') return undefined;
    const constraint = (error as { constraint?: string }).constraint;
    if (constraint === 'system_status_names_pk') return 'name';
    if (constraint === 'system_statuses_priority') return 'priority';
    return 'primary_key';
  },
  async lockUsers(trx, tenantKey, userIds) {
    if (userIds.length === 0) return;
    // Rows are locked in the order the sort hands them to the lock step: one order for every batch.
    const lock = trx
      .selectFrom('users')
      .select('user_id')
      .where('tenant_key', '=', tenantKey)
      .where('user_id', '=', sql<string>`any(${sql.val([...userIds])})`)
      .orderBy('user_id')
      .forUpdate()
      .compile();
    // Nothing reads the rows: the lock travels with the statement after it (ConnectionStatements).
    await trx.executeQuery(answerUnread(lock));
  },
  // Until autovacuum's next pass (up to a minute) a bulk load is planned with the old statistics:
  // measured, batch_open ran at half speed on a plan made for empty tables.
  async refreshStatistics(db, tables) {
    // Only the store's own tables (in its schema), not every database object the role can see.
    await sql`analyze ${sql.join(tables.map((table) => sql.table(table)))}`.execute(db);
  },
  async transaction(db, work) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(work);
      } catch (error) {
        const code = errorCode(error);
        if (!code || !RETRYABLE.has(code)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          throw new StoreUnavailableError(`transaction failed ${attempt} times (${code})`, { cause: error });
        }
        // A little jitter so that two losers of the same race do not meet again.
        await pause(5 * attempt + Math.floor(Math.random() * 20));
      }
    }
  },
};

/** The shared engine for several nodes: everything in one PostgreSQL database. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  if (options.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(options.schema)) {
    throw new Error(`invalid schema name: ${options.schema}`);
  }
  const pool = new pg.Pool({
    ...TIMEOUTS,
    max: options.poolSize ?? 10,
    keepAlive: true,
    types,
    connectionString: options.url,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle connection that dies (server restart) is dropped by the pool; the next request opens a new one.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new GuardedPool(pool) }) });
  try {
    if (options.schema) await createSchema(db, options.schema);
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema;
    if (!schema) throw new Error('the connection has no current schema: set search_path or create the schema first');
    await migrateToLatest(db, { schema });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const dropSchema = options.schema && options.dropSchemaOnClose ? options.schema : undefined;
  return new KyselyStore(db, postgresDialect, async () => {
    if (dropSchema) await dropPostgresSchema(options.url, dropSchema);
  });
}

async function createSchema(db: Kysely<Database>, schema: string) {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    // Nodes starting together may both try; "if not exists" does not stop the loser's unique violation.
    if (errorCode(error) !== '23505' && errorCode(error) !== '42P06') throw error;
  }
}

/** Drops a schema and everything in it (tests clean up after themselves). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
  } finally {
    await client.end();
  }
}
