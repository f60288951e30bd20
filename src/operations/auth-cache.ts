import { LRUCache } from 'lru-cache';
import type { AccessTokenRecord, AppRecord, Store, TenantRecord } from '../store/store.js';

export interface Caller {
  token: AccessTokenRecord;
  app: AppRecord;
  tenant: TenantRecord;
}

/**
 * Token → caller look-ups on the hot path. Token rows never change, so they are kept until
 * they expire; app and tenant rows change through provisioning, which invalidates them here,
 * and a short TTL bounds how stale another node's change can be.
 */
export class AuthCache {
  private readonly tokens: LRUCache<string, AccessTokenRecord>;
  private readonly apps: LRUCache<string, AppRecord>;
  private readonly tenants: LRUCache<string, TenantRecord>;

  constructor(store: Store, ttlMs = 5_000) {
    // A miss is not cached: a row created later (on this node or another) is found on the next call.
    this.tokens = new LRUCache({ max: 50_000, fetchMethod: (digest) => store.getAccessToken(digest) });
    this.apps = new LRUCache({ max: 10_000, ttl: ttlMs, fetchMethod: (appId) => store.getApp(appId) });
    this.tenants = new LRUCache({ max: 10_000, ttl: ttlMs, fetchMethod: (tenantKey) => store.getTenant(tenantKey) });
  }

  /** The caller of a token when its three rows are cached and fresh, without waiting for anything. */
  cachedCaller(digest: string): Caller | undefined {
    const token = this.tokens.get(digest);
    const app = token && this.apps.get(token.app_id);
    const tenant = app && this.tenants.get(app.tenant_key);
    return tenant ? { token: token!, app: app!, tenant } : undefined;
  }

  /** The app's row when it is cached and fresh. */
  cachedApp(appId: string): AppRecord | undefined {
    return this.apps.get(appId);
  }

  token(digest: string): Promise<AccessTokenRecord | undefined> {
    return this.tokens.fetch(digest);
  }

  app(appId: string): Promise<AppRecord | undefined> {
    return this.apps.fetch(appId);
  }

  tenant(tenantKey: string): Promise<TenantRecord | undefined> {
    return this.tenants.fetch(tenantKey);
  }

  /**
   * After a change of the tenant has committed: its row, its apps' rows and their tokens are read
   * again. Tokens go too, so that an app deleted and created again never accepts the old ones.
   */
  forgetTenant(tenantKey: string): void {
    this.tenants.delete(tenantKey);
    this.forget((row) => row.tenant_key === tenantKey);
  }

  /** After a change of the app has committed (see forgetTenant). */
  forgetApp(appId: string): void {
    this.forget((row) => row.app_id === appId);
  }

  private forget(matches: (row: { app_id: string; tenant_key: string }) => boolean): void {
    for (const [key, app] of this.apps.entries()) if (matches(app)) this.apps.delete(key);
    for (const [key, token] of this.tokens.entries()) if (matches(token)) this.tokens.delete(key);
  }

  /** After the whole state was replaced (an import, a reset). */
  clear(): void {
    this.tokens.clear();
    this.apps.clear();
    this.tenants.clear();
  }
}
