import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { invalidParameter } from '../domain/errors.js';
import { sendError } from './render-error.js';

/** The control API's prefix: its errors are plain JSON, not the platform's envelope. */
const CONTROL_PREFIX = '/_sysstatus';

/**
 * Errors the router raises before any route runs (a path whose percent-encoding does not decode,
 * a parameter past the router's length bound). Fastify's default answers them in its own JSON;
 * here they are the platform's 400 / 2005001, or the control API's error shape under /_sysstatus.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const description = error.code === 'FST_ERR_BAD_URL' ? 'the path is not valid percent-encoded UTF-8' : error.message;
  if (request.url.startsWith(CONTROL_PREFIX)) {
    return reply.code(400).type('application/json; charset=utf-8').send({ code: 'invalid_request', message: description });
  }
  reply.header('X-Tt-Logid', request.id);
  return sendError(request, reply, invalidParameter('path', description));
}
