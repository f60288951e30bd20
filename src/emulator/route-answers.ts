// What each route answers, for the OpenAPI document and the test that checks real answers
// against it: what the route declares, the platform's error envelope on the Open APIs, and the
// control surface's table (src/emulator/control-responses.ts), error shapes included.
import type { RouteOptions } from 'fastify';
import type { TSchema } from 'typebox';
import { ErrorEnvelope } from '../http/open-apis/envelope.js';
import { CONTROL_PREFIX, PLATFORM_PREFIX } from '../http/prefixes.js';
import { controlResponses } from './control-responses.js';

export function routeAnswers(route: Pick<RouteOptions, 'method' | 'url' | 'schema'>): Record<string, TSchema> {
  const method = [route.method].flat()[0];
  if (route.url.startsWith(CONTROL_PREFIX)) return controlResponses(method, route.url.slice(CONTROL_PREFIX.length) || '/');
  const declared = (route.schema?.response ?? {}) as Record<string, TSchema>;
  if (route.url.startsWith(`${PLATFORM_PREFIX}/`)) return { '4xx': ErrorEnvelope, '5xx': ErrorEnvelope, ...declared };
  return declared;
}
