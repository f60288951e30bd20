// The renderer of the plain surfaces (health probes, metrics, the console's files): a status and
// a line of text, which is all a load balancer, a scraper or a browser needs.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type Failure, failureOf, isServerFault } from './failure.js';

function plainAnswerOf(failure: Failure): { status: number; text: string } {
  switch (failure.kind) {
    case 'control':
      return { status: failure.error.status, text: failure.error.message };
    case 'request':
      return { status: failure.status, text: failure.message };
    case 'unavailable':
      return { status: 503, text: 'service unavailable' };
    default:
      return { status: 500, text: 'internal server error' };
  }
}

export function sendPlain(reply: FastifyReply, status: number, text: string) {
  return reply.code(status).type('text/plain; charset=utf-8').send(text);
}

export function plainErrorHandler(bodyLimit: number) {
  return function handlePlainError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const failure = failureOf(error, bodyLimit);
    if (isServerFault(failure)) request.log.error({ err: error }, 'request failed');
    const { status, text } = plainAnswerOf(failure);
    if (failure.kind === 'control' && failure.error.headers) reply.headers(failure.error.headers);
    return sendPlain(reply, status, text);
  };
}
