// A journal entry as the control API answers it: its own module, so that the web console's
// code (built without Node's types) can import the shape without the journal's Node code.
import type { JournalApiId } from './api-ids.js';

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
