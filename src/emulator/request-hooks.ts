// Hooks on the platform surface: the journal, metrics and one structured log line per Open API
// request (pino adds the log id), and the fault rules.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PlatformError } from '../domain/errors.js';
import type { Services } from '../operations/context.js';
import { apiOfRoute, isTokenApi, type JournalApiId } from './api-ids.js';
import type { FaultRule, FaultRules } from './faults.js';
import type { Journal, JournalDetails } from './journal.js';
import type { Metrics } from './metrics.js';
import { redactBody, redactHeaders, redactQuery } from './redact.js';

interface Trace {
  time: number;
  fault?: FaultRule;
  payload?: string;
  /** The request body as sent, when it was JSON. */
  bodyText?: string;
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

/** Every answer of the platform surface starts with its code: read it without parsing the rest. */
const LEADING_CODE = /^\{"code":(-?\d+)[,}]/;

/**
 * Text that may be kept as sent until the journal is read: it names no secret-bearing key (and has
 * no escapes that could spell one), so the journal never holds a credential even unread.
 */
const MAY_HOLD_SECRET = /\\u|app_secret|_token|app_ticket/;
const keepsNoSecret = (text: string) => !MAY_HOLD_SECRET.test(text);

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
    /** From the JSON body parser: the body's text, so the journal can keep it unparsed. */
    noteBody(request: FastifyRequest, text: string) {
      const trace = traces.get(request);
      if (trace) trace.bodyText = text;
    },
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
      const { payload, bodyText } = trace;
      const requestHeaders = redactHeaders(request.headers);
      const responseHeaders = redactHeaders(reply.getHeaders());
      const leading = payload === undefined ? null : LEADING_CODE.exec(payload);
      let code: number | null;
      let details: JournalDetails | (() => JournalDetails);
      // The body was parsed from bodyText (request.body is undefined when parsing failed).
      const bodyIsText = bodyText !== undefined && request.body !== undefined;
      if (leading && bodyIsText && keepsNoSecret(payload!) && keepsNoSecret(bodyText)) {
        code = Number(leading[1]);
        const redactedQuery = redactQuery(query);
        details = () => ({
          request: { headers: requestHeaders, query: redactedQuery, body: JSON.parse(bodyText) as unknown },
          response: { headers: responseHeaders, body: JSON.parse(payload!) as unknown },
        });
      } else {
        const parsed = parsePayload(payload);
        code = parsed.code;
        details = {
          request: { headers: requestHeaders, query: redactQuery(query), body: redactBody(request.body ?? null) },
          response: { headers: responseHeaders, body: redactBody(parsed.body) },
        };
      }
      const latency = reply.elapsedTime;
      const status = reply.statusCode;
      const latencyMs = Math.round(latency * 1000) / 1000;
      const faultId = trace.fault?.id ?? null;
      journal.add({
        time: trace.time,
        api,
        app_id: appId,
        tenant_key: tenantKey,
        user_id_type: stringOrUndefined(query.user_id_type) ?? null,
        method: request.method,
        path: request.url.split('?')[0],
        status,
        code,
        log_id: request.id,
        latency_ms: latencyMs,
        fault_id: faultId,
        details,
      });
      const label = api ?? 'unknown';
      metrics.requests.inc({ api: label, status: String(status), code: code === null ? '' : String(code) });
      metrics.latency.observe({ api: label }, latency / 1000);
      if (code === 99991400 && !trace.fault) metrics.rateLimited.inc({ api: label });
      request.log.info(
        { api, app_id: appId, tenant_key: tenantKey, status, code, latency_ms: latencyMs, fault_id: faultId },
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
