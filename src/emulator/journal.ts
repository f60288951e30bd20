// The journal: every Open API request, newest last in a bounded ring, queried newest first.
import type { JournalApiId } from './api-ids.js';
import type { ResetHook } from './reset-hooks.js';

export interface JournalEntry {
  id: number;
  /** Clock time the request arrived (ms). */
  time: number;
  api: JournalApiId | null;
  app_id: string | null;
  tenant_key: string | null;
  user_id_type: string | null;
  method: string;
  path: string;
  status: number;
  /** The envelope's code; null when the answer had none (a plain-text 404). */
  code: number | null;
  log_id: string;
  /** Wall-clock milliseconds spent answering. */
  latency_ms: number;
  /** The fault rule that answered or delayed the request, if any. */
  fault_id: string | null;
  request: { headers: Record<string, string>; query: Record<string, unknown>; body: unknown };
  response: { headers: Record<string, string>; body: unknown };
}

/** What a request carried and its answer, as the journal shows them. */
export type JournalDetails = Pick<JournalEntry, 'request' | 'response'>;

/**
 * An entry as recorded: the fields queries filter on, and its details either ready or made on
 * first read. Most entries are never read, so the request pays only for what filtering needs.
 */
export type RecordedEntry = Omit<JournalEntry, 'id' | 'request' | 'response'> & { details: JournalDetails | (() => JournalDetails) };

type StoredEntry = Omit<JournalEntry, 'request' | 'response'> & { details: JournalDetails | (() => JournalDetails) };

function materialize(stored: StoredEntry): JournalEntry {
  if (typeof stored.details === 'function') stored.details = stored.details();
  const { details, ...fields } = stored;
  return { ...fields, ...details };
}

export interface JournalQuery {
  api?: string;
  app_id?: string;
  tenant_key?: string;
  code?: number;
  status?: number;
  /** Inclusive bounds on time (ms). */
  since?: number;
  until?: number;
  limit?: number;
}

export class Journal {
  private readonly entries: (StoredEntry | undefined)[];
  private next = 0;
  private size = 0;
  private lastId = 0;

  constructor(readonly limit: number) {
    this.entries = new Array(limit);
  }

  /** Records an entry and returns its id. */
  add(entry: RecordedEntry): number {
    const id = ++this.lastId;
    if (this.limit === 0) return id;
    this.entries[this.next] = { id, ...entry };
    this.next = (this.next + 1) % this.limit;
    this.size = Math.min(this.size + 1, this.limit);
    return id;
  }

  /** Newest first. */
  private *newestFirst(): Generator<StoredEntry> {
    for (let i = 1; i <= this.size; i++) {
      const entry = this.entries[(this.next - i + this.limit) % this.limit];
      if (entry) yield entry;
    }
  }

  private static matches(entry: StoredEntry, query: JournalQuery): boolean {
    return (
      (query.api === undefined || entry.api === query.api) &&
      (query.app_id === undefined || entry.app_id === query.app_id) &&
      (query.tenant_key === undefined || entry.tenant_key === query.tenant_key) &&
      (query.code === undefined || entry.code === query.code) &&
      (query.status === undefined || entry.status === query.status) &&
      (query.since === undefined || entry.time >= query.since) &&
      (query.until === undefined || entry.time <= query.until)
    );
  }

  query(query: JournalQuery = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    for (const entry of this.newestFirst()) {
      if (out.length >= limit) break;
      if (Journal.matches(entry, query)) out.push(materialize(entry));
    }
    return out;
  }

  count(query: JournalQuery = {}): number {
    let count = 0;
    for (const entry of this.newestFirst()) if (Journal.matches(entry, query)) count++;
    return count;
  }

  /** Reset empties it unless kept. */
  readonly resetHook: ResetHook = { part: 'journal', reset: () => this.clear() };

  clear(): void {
    this.entries.fill(undefined);
    this.next = 0;
    this.size = 0;
  }
}
