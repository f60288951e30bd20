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
  private readonly tokens = new LRUCache<string, AccessTokenRecord>({ max: 50_000 });
  private readonly apps: LRUCache<string, AppRecord>;
  private readonly tenants: LRUCache<string, TenantRecord>;

  constructor(
    private readonly store: Store,
    ttlMs = 5_000,
  ) {
    this.apps = new LRUCache({ max: 10_000, ttl: ttlMs });
    this.tenants = new LRUCache({ max: 10_000, ttl: ttlMs });
  }

  async token(digest: string): Promise<AccessTokenRecord | undefined> {
    let token = this.tokens.get(digest);
    if (!token) {
      token = await this.store.getAccessToken(digest);
      if (token) this.tokens.set(digest, token);
    }
    return token;
  }

  async app(appId: string): Promise<AppRecord | undefined> {
    let app = this.apps.get(appId);
    if (!app) {
      app = await this.store.getApp(appId);
      if (app) this.apps.set(appId, app);
    }
    return app;
  }

  async tenant(tenantKey: string): Promise<TenantRecord | undefined> {
    let tenant = this.tenants.get(tenantKey);
    if (!tenant) {
      tenant = await this.store.getTenant(tenantKey);
      if (tenant) this.tenants.set(tenantKey, tenant);
    }
    return tenant;
  }

  clear(): void {
    this.tokens.clear();
    this.apps.clear();
    this.tenants.clear();
  }
}
