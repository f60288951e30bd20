// The one place that turns any error into the platform's envelope.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type FieldViolation, PlatformError } from '../domain/errors.js';
import type { ApiSpec } from '../domain/apis.js';

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

/** "/user_list/0/end_time" → "user_list[0].end_time" */
function fieldName(context: string | undefined, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  const path = parts.reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
  return path || (context ?? 'body');
}

/** Anything Fastify or a handler threw, as the platform would answer it. */
export function toPlatformError(error: FastifyError | Error, bodyLimit: number): PlatformError {
  if (error instanceof PlatformError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return new PlatformError('invalid_parameter', {
      fieldViolations: fastifyError.validation.map((issue) => ({
        field: fieldName(fastifyError.validationContext, issue.instancePath),
        description: issue.message ?? 'invalid value',
      })),
    });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PlatformError('invalid_parameter', {
        fieldViolations: [{ field: 'body', description: `request body is larger than ${bodyLimit} bytes` }],
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new PlatformError('invalid_parameter', {
        fieldViolations: [{ field: 'body', description: fastifyError.message }],
      });
  }
  if (fastifyError.statusCode === 400 && error instanceof SyntaxError) {
    return new PlatformError('invalid_parameter', {
      fieldViolations: [{ field: 'body', description: `body is not valid JSON: ${error.message}` }],
    });
  }
  if (fastifyError.code === 'SYSSTATUS_UNAVAILABLE') return new PlatformError('unavailable');
  return new PlatformError('internal');
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: PlatformError) {
  if (error.headers) reply.headers(error.headers);
  return reply
    .code(error.spec.status)
    .type('application/json; charset=utf-8')
    .send(errorBody(error, request.id, request.routeOptions.config?.api));
}

export function errorHandler(bodyLimit: number) {
  return function handleError(this: unknown, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const platformError = toPlatformError(error, bodyLimit);
    if (platformError.spec.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(request, reply, platformError);
  };
}

