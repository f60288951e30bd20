// Who may use the control API: loopback clients in emulator mode; holders of the admin token always.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ControlError } from './control-error.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time: both sides are hashed to the same length before comparing. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

type GuardConfig = Pick<Config, 'mode' | 'admin_token'>;

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

const hasAdminToken = (config: GuardConfig, bearer: string | undefined) =>
  config.admin_token !== undefined && bearer !== undefined && tokenMatches(bearer, config.admin_token);

const unauthorized = () => new ControlError('unauthorized', undefined, { 'www-authenticate': 'Bearer realm="sysstatus control"' });

/**
 * onRequest of the whole control surface. Only routes marked `config.public` (the console's page
 * and files, which hold no data and call the guarded API for everything) are let through.
 */
export function adminGuard(config: GuardConfig) {
  return async function guard(request: FastifyRequest) {
    if (request.routeOptions.config?.public) return;
    const bearer = bearerOf(request);
    if (hasAdminToken(config, bearer)) return;
    if (config.mode === 'production' || bearer !== undefined) throw unauthorized();
    if (!isLoopback(request.socket.remoteAddress)) throw new ControlError('forbidden');
  };
}

/** /metrics: open in emulator mode; in production the admin token, as a Prometheus scrape job sends it. */
export function metricsGuard(config: GuardConfig) {
  return async function guardMetrics(request: FastifyRequest) {
    if (config.mode === 'production' && !hasAdminToken(config, bearerOf(request))) throw unauthorized();
  };
}
