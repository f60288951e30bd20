import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidParameter } from '../../domain/errors.js';
import type { IdGenerator } from '../../id-generator.js';
import { errorBody } from './platform-errors.js';

const DESCRIPTIONS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'the request was not received in time',
  HPE_HEADER_OVERFLOW: 'the request headers are too large',
};

/**
 * Requests Node refuses before Fastify sees them (not HTTP/1.1, headers too large, headers or body
 * not received within the timeouts) answer the platform's envelope, 400 / 2005001 with a log id,
 * and the connection is closed. Fastify's default answers them in its own JSON. There is no
 * request, so no surface: the socket gets the platform's answer, written by hand.
 */
export function clientErrorHandler(ids: IdGenerator, answeredEarly: WeakSet<Socket>) {
  return function handleClientError(error: Error & { code?: string }, socket: Socket) {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    // A request already answered (say, a token error sent before its body finished arriving)
    // cannot get a second answer: just close.
    const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (!socket.writable || started || answeredEarly.has(socket)) return void socket.destroy();
    const logId = ids.logId();
    const description = DESCRIPTIONS[error.code ?? ''] ?? 'the request is not valid HTTP/1.1';
    const refusal = invalidParameter('request', description);
    const body = JSON.stringify(errorBody(refusal, logId));
    socket.end(
      `HTTP/1.1 ${refusal.spec.status} Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Tt-Logid: ${logId}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}

/** Hooks that note sockets whose request was answered before its body had fully arrived. */
export function trackEarlyAnswers(answeredEarly: WeakSet<Socket>) {
  return {
    onRequest(request: FastifyRequest, _reply: FastifyReply, done: () => void) {
      answeredEarly.delete(request.raw.socket);
      done();
    },
    onResponse(request: FastifyRequest, _reply: FastifyReply, done: () => void) {
      if (!request.raw.complete) answeredEarly.add(request.raw.socket);
      done();
    },
  };
}
