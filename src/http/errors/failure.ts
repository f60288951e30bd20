// What went wrong, whatever was thrown: every surface's renderer starts from this one reading.
import type { FastifyError } from 'fastify';
import { ControlError, type FieldViolation, PlatformError } from '../../domain/errors.js';

export type Failure =
  /** A typed error of the platform's catalogue, thrown on purpose. */
  | { kind: 'platform'; error: PlatformError }
  /** A typed error of the control API's catalogue, thrown on purpose. */
  | { kind: 'control'; error: ControlError }
  /** The client's mistake, caught by Fastify (schema, body, content type): HTTP 400, 413 or 415. */
  | { kind: 'request'; status: number; message: string; violations: FieldViolation[] }
  /** The database is unreachable or overloaded (StoreUnavailableError). */
  | { kind: 'unavailable' }
  /** A bug or an unforeseen failure: logged, answered 500. */
  | { kind: 'unexpected' };

/** "/user_list/0/end_time" → "user_list[0].end_time" */
function fieldName(context: string | undefined, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  const path = parts.reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
  return path || (context ?? 'body');
}

function bodyViolation(error: FastifyError, bodyLimit: number): FieldViolation {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { field: 'body', description: `request body is larger than ${bodyLimit} bytes` };
  if (error.code?.startsWith('FST_ERR_CTP_')) return { field: 'body', description: error.message };
  if (error instanceof SyntaxError) return { field: 'body', description: `body is not valid JSON: ${error.message}` };
  return { field: 'request', description: error.message };
}

export function failureOf(thrown: unknown, bodyLimit: number): Failure {
  if (thrown instanceof PlatformError) return { kind: 'platform', error: thrown };
  if (thrown instanceof ControlError) return { kind: 'control', error: thrown };
  const error = thrown as FastifyError;
  if (error?.code === 'SYSSTATUS_UNAVAILABLE') return { kind: 'unavailable' };
  if (error?.validation) {
    const violations = error.validation.map((issue) => ({
      field: fieldName(error.validationContext, issue.instancePath),
      description: issue.message ?? 'invalid value',
    }));
    return { kind: 'request', status: 400, message: error.message, violations };
  }
  const status = error?.statusCode ?? 500;
  if (status >= 400 && status < 500) return { kind: 'request', status, message: error.message, violations: [bodyViolation(error, bodyLimit)] };
  return { kind: 'unexpected' };
}

/** Whether the failure is one to log: the server's, not the caller's. */
export const isServerFault = (failure: Failure) => failure.kind === 'unexpected' || failure.kind === 'unavailable';
