// Which platform API a request was: the ids of src/domain/apis.ts plus the two token endpoints,
// shared by the journal, fault rules, logs and metrics.
import { APIS, type ApiId } from '../domain/apis.js';

export const TOKEN_APIS = {
  tenant_access_token: '/open-apis/auth/v3/tenant_access_token/internal',
  app_access_token: '/open-apis/auth/v3/app_access_token/internal',
} as const;

export type TokenApiId = keyof typeof TOKEN_APIS;
export type JournalApiId = ApiId | TokenApiId;

export const JOURNAL_API_IDS = [...(Object.keys(APIS) as ApiId[]), ...(Object.keys(TOKEN_APIS) as TokenApiId[])];

const byRoute = new Map<string, JournalApiId>([
  ...Object.values(APIS).map((api) => [`${api.method} ${api.path}`, api.id] as [string, JournalApiId]),
  ...Object.entries(TOKEN_APIS).map(([id, path]) => [`POST ${path}`, id as TokenApiId] as [string, JournalApiId]),
]);

/** The API a matched route serves, or undefined (an unknown path, a control endpoint). */
export function apiOfRoute(method: string, routeUrl: string | undefined): JournalApiId | undefined {
  if (!routeUrl) return undefined;
  return byRoute.get(`${method} ${routeUrl}`);
}

export const isTokenApi = (api: JournalApiId): api is TokenApiId => api in TOKEN_APIS;
