// The control API's renderer: {code, message} with the catalogue's HTTP status (plain JSON, not
// the platform's envelope). Platform errors met there (a seed fragment's bad status) keep their
// code as platform_code.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CONTROL_ERRORS, ControlError, type ControlErrorName } from '../../domain/errors.js';
import { type Failure, failureOf, isServerFault } from './failure.js';

interface ControlAnswer {
  status: number;
  body: { code: ControlErrorName; message: string; platform_code?: number; field_violations?: unknown };
  headers?: Record<string, string>;
}

const REQUEST_ERRORS: Record<number, ControlErrorName> = { 413: 'payload_too_large', 415: 'unsupported_media_type' };

const answer = (code: ControlErrorName, message: string = CONTROL_ERRORS[code].message): ControlAnswer => ({
  status: CONTROL_ERRORS[code].status,
  body: { code, message },
});

export function controlAnswerOf(failure: Failure): ControlAnswer {
  switch (failure.kind) {
    case 'control':
      return { ...answer(failure.error.code, failure.error.message), ...(failure.error.headers ? { headers: failure.error.headers } : {}) };
    case 'platform': {
      const { error } = failure;
      return {
        status: error.spec.status,
        body: { code: 'invalid_request', message: error.message, platform_code: error.spec.code, field_violations: error.fieldViolations },
      };
    }
    case 'request':
      return answer(REQUEST_ERRORS[failure.status] ?? 'invalid_request', failure.message);
    case 'unavailable':
      return answer('unavailable');
    default:
      return answer('internal');
  }
}

export function sendControlAnswer(reply: FastifyReply, { status, body, headers }: ControlAnswer) {
  if (headers) reply.headers(headers);
  // Serialised here: the routes' declared error schemas describe the body, never reshape it.
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

export function controlErrorHandler(bodyLimit: number) {
  return function handleControlError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const failure = failureOf(error, bodyLimit);
    if (isServerFault(failure)) request.log.error({ err: error }, 'control request failed');
    return sendControlAnswer(reply, controlAnswerOf(failure));
  };
}

export const controlNotFound = (request: FastifyRequest, reply: FastifyReply) =>
  sendControlAnswer(reply, controlAnswerOf({ kind: 'control', error: new ControlError('not_found', `no control endpoint ${request.method} ${request.url}`) }));
