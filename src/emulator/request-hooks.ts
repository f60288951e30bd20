// Hooks on the platform surface: the journal, metrics and one structured log line per Open API
// request (pino adds the log id), and the fault rules.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PlatformError } from '../domain/errors.js';
import type { Services } from '../operations/context.js';
import { apiOfRoute, isTokenApi, type JournalApiId } from './api-ids.js';
import type { FaultRule, FaultRules } from './faults.js';
import { type DetailTexts, type Journal, parseText, rawQuery } from './journal.js';
import type { Metrics } from './metrics.js';
import { isSecretKey, redactBody, redactedHeadersJson, redactJsonText, redactQuery } from './redact.js';

interface Trace {
  time: number;
  fault?: FaultRule;
  payload?: string;
  /** The request body as sent, when it was JSON. */
  bodyText?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** What the journal needs of an Open API request, gathered as it passes the hooks. */
    journalTrace: Trace | null;
  }
}

const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Every answer of the platform surface starts with its code: read it without parsing the rest. */
const LEADING_CODE = /^\{"code":(-?\d+)[,}]/;

function codeOf(payload: string | undefined): number | null {
  if (payload === undefined || payload === '') return null;
  const leading = LEADING_CODE.exec(payload);
  if (leading) return Number(leading[1]);
  const body = parseText(payload);
  return body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'number' ? (body as { code: number }).code : null;
}

/**
 * Text that may be kept as sent until the journal is read: it names no secret-bearing key (and has
 * no escapes that could spell one), so the journal never holds a credential even unread. Text that
 * may is parsed and redacted at once; each part is judged on its own.
 */
const MAY_HOLD_SECRET = /\\u|app_secret|_token|app_ticket/;
const keepsNoSecret = (text: string) => !MAY_HOLD_SECRET.test(text);

/**
 * A body as JSON text for the journal: as sent when it names no secret, else redacted now (in the
 * text where it can be, as the token endpoints' bodies and answers can).
 */
function journalBodyText(text: string | undefined, parsed: () => unknown): string {
  if (text !== undefined) {
    if (keepsNoSecret(text)) return text;
    const redacted = redactJsonText(text);
    if (redacted !== undefined) return redacted;
  }
  return JSON.stringify(redactBody(parsed())) ?? 'null';
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

const NO_QUERY = { text: '{}', userIdType: null };

/** A query string that needs no decoding (no `%` or `+`): kept as sent, if it names no secret. */
const PLAIN_QUERY = /^[\w.~=&-]*$/;

/** The query as the journal keeps it (DetailTexts), and its user_id_type when given once. */
function journalQuery(search: string): { text: string; userIdType: string | null } {
  if (PLAIN_QUERY.test(search)) {
    let userIdType: string | undefined;
    let repeated = false;
    let secret = false;
    for (const pair of search.split('&')) {
      const equals = pair.indexOf('=');
      const key = equals < 0 ? pair : pair.slice(0, equals);
      if (isSecretKey(key)) secret = true;
      else if (key === 'user_id_type') {
        repeated = userIdType !== undefined;
        userIdType = equals < 0 ? '' : pair.slice(equals + 1);
      }
    }
    if (!secret) return { text: `?${search}`, userIdType: repeated ? null : (userIdType ?? null) };
  }
  const query = rawQuery(search);
  return { text: JSON.stringify(redactQuery(query)), userIdType: stringOrUndefined(query.user_id_type) ?? null };
}

/** A header block that could carry a credential is judged field by field at once. */
const MAY_NAME_SECRET_HEADER = /authorization|cookie|secret|token|ticket/i;

/** The answer's headers for the journal: as Node wrote them when they name no secret (DetailTexts). */
function journalResponseHeaders(reply: FastifyReply): string {
  const block = (reply.raw as { _header?: unknown })._header;
  return typeof block === 'string' && !MAY_NAME_SECRET_HEADER.test(block) ? block : redactedHeadersJson(reply.getHeaders());
}

type Done = (error?: Error) => void;

/**
 * The journal, metrics and log line of every Open API request. Callback hooks, not async ones,
 * so that none costs a promise per request.
 */
export function journalHooks(services: Services, journal: Journal, metrics: Metrics) {
  /** The entry's details: the request and its answer as the journal shows them, credentials redacted. */
  function detailsOf(request: FastifyRequest, reply: FastifyReply, trace: Trace, api: JournalApiId | null, query: string): DetailTexts {
    const { payload, bodyText } = trace;
    // request.body is undefined when the body was empty, or was not JSON and failed to parse.
    const body = request.body;
    const requestBody = body === undefined ? 'null' : journalBodyText(bodyText, () => body);
    let responseBody = 'null';
    if (payload !== undefined && payload !== '') {
      const json = String(reply.getHeader('content-type')).startsWith('application/json');
      // Of the Open APIs only the token endpoints answer with a secret-bearing key; the others' keys are fixed.
      // Text that is not JSON is judged parsed, never kept as it is.
      if (api !== null && isTokenApi(api)) responseBody = journalBodyText(json ? payload : undefined, () => parseText(payload));
      else responseBody = json ? payload : JSON.stringify(parseText(payload));
    }
    return [redactedHeadersJson(request.headers), query, requestBody, journalResponseHeaders(reply), responseBody];
  }

  function record(request: FastifyRequest, reply: FastifyReply, trace: Trace, api: JournalApiId | null, appId: string | null, tenantKey: string | null) {
    const code = codeOf(trace.payload);
    const latency = reply.elapsedTime;
    const status = reply.statusCode;
    const latencyMs = Math.round(latency * 1000) / 1000;
    const faultId = trace.fault?.id ?? null;
    // A journal that keeps nothing (--journal-limit 0) costs no details: redacting them is most of its work.
    if (journal.limit > 0) {
      const url = request.url;
      const mark = url.indexOf('?');
      const query = mark < 0 ? NO_QUERY : journalQuery(url.slice(mark + 1));
      journal.add({
        time: trace.time,
        api,
        app_id: appId,
        tenant_key: tenantKey,
        user_id_type: query.userIdType,
        method: request.method,
        path: mark < 0 ? url : url.slice(0, mark),
        status,
        code,
        log_id: request.id,
        latency_ms: latencyMs,
        fault_id: faultId,
        details: detailsOf(request, reply, trace, api, query.text),
      });
    }
    const label = api ?? 'unknown';
    metrics.request(label, status, code, latency / 1000);
    if (code === 99991400 && !trace.fault) metrics.rateLimited.inc({ api: label });
    request.log.info(
      { api, app_id: appId, tenant_key: tenantKey, status, code, latency_ms: latencyMs, fault_id: faultId },
      'open api request',
    );
  }

  return {
    /** From the JSON body parser: the body's text, so the journal can keep it unparsed. */
    noteBody(request: FastifyRequest, text: string) {
      if (request.journalTrace) request.journalTrace.bodyText = text;
    },
    onRequest(request: FastifyRequest, _reply: FastifyReply, done: Done) {
      if (isOpenApi(request)) request.journalTrace = { time: services.clock.now() };
      done();
    },
    onSend(request: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) {
      const trace = request.journalTrace;
      if (trace) trace.payload = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
      done(null, payload);
    },
    onResponse(request: FastifyRequest, reply: FastifyReply, done: Done) {
      const trace = request.journalTrace;
      if (!trace) return done();
      const api = apiOfRoute(request.method, request.routeOptions.url) ?? null;
      if (api && isTokenApi(api)) {
        // The token endpoints carry no token: the app is the one the body names.
        const appId = stringOrUndefined((request.body as { app_id?: unknown } | undefined)?.app_id) ?? null;
        if (!appId) {
          record(request, reply, trace, api, null, null);
          return done();
        }
        const cached = services.auth.cachedApp(appId);
        if (cached) {
          record(request, reply, trace, api, appId, cached.tenant_key);
          return done();
        }
        services.auth.app(appId).then((app) => {
          record(request, reply, trace, api, appId, app?.tenant_key ?? null);
          done();
        }, done);
        return;
      }
      record(request, reply, trace, api, request.caller?.app.app_id ?? null, request.caller?.tenant.tenant_key ?? null);
      done();
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * preValidation: after the gateway identified the app (a bad token still wins), before the
 * service's own checks. With no rules it costs one comparison.
 */
export function faultHook(faults: FaultRules, metrics: Metrics) {
  return function applyFaults(request: FastifyRequest, _reply: FastifyReply, done: Done) {
    if (faults.size === 0) return done();
    const api: JournalApiId | undefined = apiOfRoute(request.method, request.routeOptions.url);
    if (!api) return done();
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
    if (!rule) return done();
    if (request.journalTrace) request.journalTrace.fault = rule;
    metrics.faults.inc({ api });
    const response = rule.response;
    // Rendered by the surface's handler: the envelope, or {code, msg} on the token endpoints.
    const answer = () => done(response && new PlatformError({ code: response.code, status: response.status, msg: response.msg }, { headers: response.headers }));
    if (rule.delay_ms) void sleep(rule.delay_ms).then(answer);
    else answer();
  };
}
