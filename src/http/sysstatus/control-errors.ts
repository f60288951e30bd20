import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PlatformError } from '../../domain/errors.js';

/** Errors of the control API: plain JSON with an HTTP status, not the platform's envelope. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ControlError(404, 'not_found', `${what} not found`);

export function controlErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ControlError) return reply.code(error.status).send({ code: error.code, message: error.message });
  if (error instanceof PlatformError) {
    return reply.code(error.spec.status).send({ code: 'invalid_request', message: error.message, platform_code: error.spec.code, field_violations: error.fieldViolations });
  }
  if (error.validation) return reply.code(400).send({ code: 'invalid_request', message: error.message });
  if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ code: 'invalid_request', message: error.message });
  request.log.error({ err: error }, 'control request failed');
  return reply.code(500).send({ code: 'internal', message: 'internal error' });
}
