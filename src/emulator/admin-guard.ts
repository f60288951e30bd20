// Who may use the control API: loopback clients in emulator mode; holders of the admin token always.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time: both sides are hashed to the same length before comparing. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function adminGuard(config: Pick<Config, 'mode' | 'admin_token'>) {
  return async function guard(request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    if (config.admin_token && bearer !== undefined && tokenMatches(bearer, config.admin_token)) return;
    if (config.mode === 'production' || bearer !== undefined) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="sysstatus control"')
        .send({ code: 'unauthorized', message: 'the control API needs the admin token: Authorization: Bearer <token>' });
    }
    if (!isLoopback(request.socket.remoteAddress)) {
      return reply.code(403).send({
        code: 'forbidden',
        message: 'in emulator mode the control API answers loopback clients only; start with --admin-token to open it to others',
      });
    }
  };
}
