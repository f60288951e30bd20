import { invalidParameter } from '../../domain/errors.js';
import type { SystemStatus } from '../../domain/system-status.js';
import type { Services } from '../context.js';

export const DEFAULT_PAGE_SIZE = 50;

export interface SystemStatusPage {
  items: SystemStatus[];
  page_token?: string;
  has_more: boolean;
}

// Opaque to callers; inside, the last id of the page.
const PAGE_TOKEN_PREFIX = 'sysstatus:v1:';
const encodePageToken = (lastId: string) => Buffer.from(PAGE_TOKEN_PREFIX + lastId).toString('base64url');

function decodePageToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString();
  const id = text.startsWith(PAGE_TOKEN_PREFIX) ? text.slice(PAGE_TOKEN_PREFIX.length) : '';
  if (!/^\d{1,20}$/.test(id)) throw invalidParameter('page_token', 'page_token is not valid', token);
  return id;
}

export async function listSystemStatuses(
  services: Services,
  tenantKey: string,
  pageSize: number = DEFAULT_PAGE_SIZE,
  pageToken?: string,
): Promise<SystemStatusPage> {
  const after = pageToken ? decodePageToken(pageToken) : undefined;
  const rows = await services.store.listSystemStatuses(tenantKey, { after, limit: pageSize + 1 });
  const items = rows.slice(0, pageSize);
  const has_more = rows.length > pageSize;
  return has_more ? { items, page_token: encodePageToken(items[items.length - 1].system_status_id), has_more } : { items, has_more };
}
