// TEST ONLY. Until the emulator's control API (issue 3) is on this branch, this registers the
// few endpoints of the agreed contract that the console reads and that the server does not
// serve yet. Each route is added only when missing, so the real ones win as soon as they exist.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../src/http/types.js';
import type { Services } from '../../src/operations/context.js';
import type { ProvisionedTenant } from '../../src/operations/provisioning.js';
import { userStatusView } from '../../src/operations/user-status-view.js';

type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown;

export function addMissingControlRoutes(app: App, services: Services, tenants: ProvisionedTenant[]): string[] {
  const added: string[] = [];
  const add = (method: 'GET' | 'POST', url: string, handler: Handler) => {
    if (app.hasRoute({ method, url })) return;
    app.route({ method, url, handler });
    added.push(`${method} ${url}`);
  };
  const secrets = new Map(tenants.flatMap((tenant) => tenant.apps.map((one) => [one.app_id, one.app_secret] as const)));
  const params = (request: FastifyRequest) => request.params as Record<string, string>;
  const query = (request: FastifyRequest) => request.query as Record<string, string | undefined>;

  add('GET', '/_sysstatus', async () => ({ mode: 'emulator', clock: services.clock.state() }));
  add('GET', '/_sysstatus/tenants', async () => ({ tenants: await services.store.listTenants() }));
  add('GET', '/_sysstatus/tenants/:tenant_key/apps', async (request) => {
    const apps = await services.store.listApps(params(request).tenant_key);
    const views = [];
    for (const one of apps) {
      const contact = one.contact_scope_all ? 'all' : await services.store.listAppContactUsers(one.app_id);
      views.push({
        app_id: one.app_id,
        name: one.name,
        type: one.type,
        developer: one.developer,
        scopes: one.scopes,
        contact_scope: contact,
        ...(secrets.has(one.app_id) ? { app_secret: secrets.get(one.app_id) } : {}),
      });
    }
    return { apps: views };
  });
  add('GET', '/_sysstatus/tenants/:tenant_key/system_statuses', async (request) => ({
    items: await services.store.listSystemStatuses(params(request).tenant_key),
  }));
  add('GET', '/_sysstatus/tenants/:tenant_key/users', async (request) => {
    const { tenant_key } = params(request);
    const { q = '', page_size = '50', page_token } = query(request);
    const size = Number(page_size);
    const all = (await services.store.listUsers(tenant_key, { limit: 100_000 })).filter(
      (user) => !q || user.name.toLowerCase().includes(q.toLowerCase()) || user.user_id.includes(q),
    );
    const start = page_token ? all.findIndex((user) => user.user_id > page_token) : 0;
    const page = start < 0 ? [] : all.slice(start, start + size);
    const users = [];
    for (const user of page) {
      const view = await userStatusView(services, tenant_key, user.user_id);
      users.push({ user_id: user.user_id, name: user.name, resigned: user.resigned, shown: view?.shown ?? null, open: view?.open ?? [] });
    }
    const has_more = start >= 0 && start + size < all.length;
    return { users, has_more, ...(has_more ? { page_token: page[page.length - 1].user_id } : {}) };
  });
  add('GET', '/_sysstatus/clock', async () => services.clock.state());
  add('POST', '/_sysstatus/clock', async (request) => {
    const body = request.body as { action: string; at?: number; ms?: number };
    if (body.action === 'freeze') services.clock.freeze(body.at);
    else if (body.action === 'unfreeze') services.clock.unfreeze();
    else if (body.action === 'set') services.clock.set(Number(body.at));
    else if (body.action === 'advance') services.clock.advance(Number(body.ms));
    else if (body.action === 'reset') services.clock.reset();
    return services.clock.state();
  });
  add('GET', '/_sysstatus/faults', async () => ({ rules: [] }));
  add('GET', '/_sysstatus/journal', async () => ({ entries: [] }));
  add('GET', '/_sysstatus/tenants/:tenant_key/events', (request, reply) => {
    const { tenant_key } = params(request);
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    reply.raw.write(': connected\n\n');
    const listener = (change: { type: string; tenant_key: string; system_status_id: string; user_ids: string[]; at: number }) => {
      if (change.tenant_key !== tenant_key) return;
      reply.raw.write(`event: ${change.type}\ndata: ${JSON.stringify({ system_status_id: change.system_status_id, user_ids: change.user_ids, at: change.at })}\n\n`);
    };
    services.events.on('change', listener);
    request.raw.on('close', () => services.events.off('change', listener));
  });
  return added;
}
