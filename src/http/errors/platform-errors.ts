// The platform surface's renderers: the envelope of the Open APIs, the token endpoints' bare
// {code, msg}, and the gateway's plain 404. Nothing else writes a platform error body.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiSpec } from '../../domain/apis.js';
import { type FieldViolation, PlatformError } from '../../domain/errors.js';
import { type Failure, failureOf, isServerFault } from './failure.js';

export interface ErrorBody {
  code: number;
  msg: string;
  error: {
    log_id: string;
    message?: string;
    troubleshooter: string;
    permission_violations?: PlatformError['permissionViolations'];
    field_violations?: FieldViolation[];
  };
}

export function troubleshooter(logId: string, code: number, api?: ApiSpec): string {
  const methodId = api?.method_id ? `&method_id=${api.method_id}` : '';
  return `排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?from=openapi&log_id=${logId}&code=${code}${methodId}`;
}

export function errorBody(error: PlatformError, logId: string, api?: ApiSpec): ErrorBody {
  const { code, docPath } = error.spec;
  return {
    code,
    msg: error.wireMsg,
    error: {
      log_id: logId,
      ...(docPath ? { message: `Refer to the documentation to fix the error: ${docPath}` } : {}),
      troubleshooter: troubleshooter(logId, code, api),
      ...(error.permissionViolations ? { permission_violations: error.permissionViolations } : {}),
      ...(error.fieldViolations ? { field_violations: error.fieldViolations } : {}),
    },
  };
}

/** Any failure, as the platform's APIs answer it. */
export function platformErrorOf(failure: Failure): PlatformError {
  switch (failure.kind) {
    case 'platform':
      return failure.error;
    case 'request':
      return new PlatformError('invalid_parameter', { fieldViolations: failure.violations });
    case 'unavailable':
      return new PlatformError('unavailable');
    default:
      return new PlatformError('internal');
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

function send(reply: FastifyReply, error: PlatformError, body: object) {
  if (error.headers) reply.headers(error.headers);
  // Serialised here, in the platform's key order: the routes' declared error schemas describe
  // the body, and must not reorder it (fast-json-stringify writes required properties first).
  return reply.code(error.spec.status).type(JSON_TYPE).send(JSON.stringify(body));
}

/** Unknown paths and methods answer as the live gateway does: plain text. */
export const gatewayNotFound = (_request: FastifyRequest, reply: FastifyReply) =>
  reply.code(404).type('text/plain; charset=utf-8').send('404 page not found');

export const sendPlatformError = (request: FastifyRequest, reply: FastifyReply, error: PlatformError) =>
  send(reply, error, errorBody(error, request.id, request.routeOptions?.config?.api));

function logServerFault(request: FastifyRequest, failure: Failure, error: unknown) {
  if (isServerFault(failure)) request.log.error({ err: error }, 'request failed');
}

/**
 * The Open APIs' error handler. A request that matched no route is an unknown path or method
 * whatever went wrong while reading it (say, an unparseable Content-Type): the gateway's 404.
 */
export function platformErrorHandler(bodyLimit: number) {
  return function handlePlatformError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const failure = failureOf(error, bodyLimit);
    logServerFault(request, failure, error);
    if (request.is404 && failure.kind === 'request') return gatewayNotFound(request, reply);
    return sendPlatformError(request, reply, platformErrorOf(failure));
  };
}

/** The token endpoints' body: {code, msg}, and 10003's empty data between them. */
export const tokenBody = (error: PlatformError) => ({ code: error.spec.code, ...(error.spec.emptyData ? { data: {} } : {}), msg: error.wireMsg });

/**
 * The token endpoints' error handler: whatever goes wrong with a token request, the platform
 * answers HTTP 200 and 10003, except when the database is down: 10003 would tell the caller
 * its credentials are wrong, so that is 503 / 99991504.
 */
export function tokenErrorHandler(bodyLimit: number) {
  return function handleTokenError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const failure = failureOf(error, bodyLimit);
    logServerFault(request, failure, error);
    const tokenError =
      failure.kind === 'platform' ? failure.error : new PlatformError(failure.kind === 'unavailable' ? 'unavailable' : 'token_invalid_param');
    return send(reply, tokenError, tokenBody(tokenError));
  };
}
