// Hooks on the platform surface: the journal, metrics and one structured log line per Open API
// request (pino adds the log id), and the fault rules.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PlatformError } from '../domain/errors.js';
import type { Services } from '../operations/context.js';
import { apiOfRoute, isTokenApi, type JournalApiId } from './api-ids.js';
import type { FaultRule, FaultRules } from './faults.js';
import type { Journal } from './journal.js';
import type { Metrics } from './metrics.js';
import { redactBody, redactHeaders, redactQuery } from './redact.js';

interface Trace {
  time: number;
  fault?: FaultRule;
  payload?: string;
}

const traces = new WeakMap<FastifyRequest, Trace>();

const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined);

function parsePayload(payload: string | undefined): { body: unknown; code: number | null } {
  if (payload === undefined || payload === '') return { body: null, code: null };
  try {
    const body = JSON.parse(payload) as unknown;
    const code = body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'number' ? (body as { code: number }).code : null;
    return { body, code };
  } catch {
    return { body: payload, code: null };
  }
}

/** The users a request names, for fault rules that match on one. */
function namedUsers(request: FastifyRequest): string[] {
  const ids: string[] = [];
  const params = request.params as Record<string, unknown> | undefined;
  if (typeof params?.user_id === 'string') ids.push(params.user_id);
  const query = request.query as Record<string, unknown> | undefined;
  const queryIds = query?.user_ids;
  if (typeof queryIds === 'string') ids.push(queryIds);
  else if (Array.isArray(queryIds)) ids.push(...queryIds.filter((id): id is string => typeof id === 'string'));
  const list = (request.body as { user_list?: unknown } | undefined)?.user_list;
  if (Array.isArray(list)) {
    for (const item of list) {
      if (typeof item === 'string') ids.push(item);
      else if (item && typeof (item as { user_id?: unknown }).user_id === 'string') ids.push((item as { user_id: string }).user_id);
    }
  }
  return ids;
}

const isOpenApi = (request: FastifyRequest) => request.url.startsWith('/open-apis/');

/** The query string as sent (validation converts types; the journal shows what the client wrote). */
function rawQuery(url: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const index = url.indexOf('?');
  if (index < 0) return out;
  for (const [key, value] of new URLSearchParams(url.slice(index + 1))) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

export function journalHooks(services: Services, journal: Journal, metrics: Metrics) {
  return {
    onRequest: async (request: FastifyRequest) => {
      if (isOpenApi(request)) traces.set(request, { time: services.clock.now() });
    },
    onSend: async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
      const trace = traces.get(request);
      if (trace) trace.payload = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
      return payload;
    },
    onResponse: async (request: FastifyRequest, reply: FastifyReply) => {
      const trace = traces.get(request);
      if (!trace) return;
      const api = apiOfRoute(request.method, request.routeOptions.url) ?? null;
      const query = rawQuery(request.url);
      let appId = request.caller?.app.app_id ?? null;
      let tenantKey = request.caller?.tenant.tenant_key ?? null;
      if (api && isTokenApi(api)) {
        appId = stringOrUndefined((request.body as { app_id?: unknown } | undefined)?.app_id) ?? null;
        if (appId) tenantKey = (await services.auth.app(appId))?.tenant_key ?? null;
      }
      const { body, code } = parsePayload(trace.payload);
      const latency = reply.elapsedTime;
      const entry = journal.add({
        time: trace.time,
        api,
        app_id: appId,
        tenant_key: tenantKey,
        user_id_type: stringOrUndefined(query.user_id_type) ?? null,
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        code,
        log_id: request.id,
        latency_ms: Math.round(latency * 1000) / 1000,
        fault_id: trace.fault?.id ?? null,
        request: { headers: redactHeaders(request.headers), query: redactQuery(query), body: redactBody(request.body ?? null) },
        response: { headers: redactHeaders(reply.getHeaders()), body: redactBody(body) },
      });
      const label = api ?? 'unknown';
      metrics.requests.inc({ api: label, status: String(entry.status), code: code === null ? '' : String(code) });
      metrics.latency.observe({ api: label }, latency / 1000);
      if (code === 99991400 && !trace.fault) metrics.rateLimited.inc({ api: label });
      request.log.info(
        { api, app_id: appId, tenant_key: tenantKey, status: entry.status, code, latency_ms: entry.latency_ms, fault_id: entry.fault_id },
        'open api request',
      );
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * preValidation: after the gateway identified the app (a bad token still wins), before the
 * service's own checks.
 */
export function faultHook(faults: FaultRules, metrics: Metrics) {
  return async function applyFaults(request: FastifyRequest) {
    const api: JournalApiId | undefined = apiOfRoute(request.method, request.routeOptions.url);
    if (!api) return;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const params = (request.params ?? {}) as Record<string, unknown>;
    const rule = faults.take({
      api,
      app_id: request.caller?.app.app_id ?? stringOrUndefined((request.body as { app_id?: unknown } | undefined)?.app_id),
      tenant_key: request.caller?.tenant.tenant_key,
      user_id_type: stringOrUndefined(query.user_id_type),
      system_status_id: stringOrUndefined(params.system_status_id),
      user_ids: namedUsers(request),
    });
    if (!rule) return;
    const trace = traces.get(request);
    if (trace) trace.fault = rule;
    metrics.faults.inc({ api });
    if (rule.delay_ms) await sleep(rule.delay_ms);
    const response = rule.response;
    if (!response) return;
    // Rendered by the surface's handler: the envelope, or {code, msg} on the token endpoints.
    throw new PlatformError({ code: response.code, status: response.status, msg: response.msg }, { headers: response.headers });
  };
}
