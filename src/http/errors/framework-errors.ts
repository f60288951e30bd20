import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { invalidParameter } from '../../domain/errors.js';
import { CONTROL_PREFIX } from '../prefixes.js';
import { controlAnswerOf, sendControlAnswer } from './control-errors.js';
import { sendPlatformError } from './platform-errors.js';

/**
 * Errors the router raises before any route (or surface) is chosen: a path whose percent-encoding
 * does not decode, a parameter past the router's length bound. Fastify's default answers them in
 * its own JSON; here they answer in the format of the surface the path names.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const description = error.code === 'FST_ERR_BAD_URL' ? 'the path is not valid percent-encoded UTF-8' : error.message;
  if (request.url.startsWith(CONTROL_PREFIX)) {
    return sendControlAnswer(reply, controlAnswerOf({ kind: 'request', status: 400, message: description, violations: [] }));
  }
  reply.header('X-Tt-Logid', request.id);
  return sendPlatformError(request, reply, invalidParameter('path', description));
}
