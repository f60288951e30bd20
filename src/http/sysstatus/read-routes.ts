import Type from 'typebox';
import { deriveOpenId, deriveUnionId } from '../../domain/identifiers.js';
import type { Services } from '../../operations/context.js';
import { userStatusView } from '../../operations/user-status-view.js';
import type { App } from '../types.js';
import { notFound } from '../../emulator/control-error.js';

const TAGS = ['inspection'];

/** Read endpoints for people and tests: users as an app sees them, and what a user's client shows. */
export async function readRoutes(app: App, services: Services) {
  app.get(
    '/apps/:app_id/users',
    {
      schema: {
        tags: TAGS,
        summary: "The tenant's users with the IDs this app sees them by",
        params: Type.Object({ app_id: Type.String() }),
        querystring: Type.Object({
          page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
          page_token: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const found = await services.store.getApp(request.params.app_id);
      if (!found) throw notFound(`app ${request.params.app_id}`);
      const limit = request.query.page_size ?? 1000;
      const rows = await services.store.listUsers(found.tenant_key, { after: request.query.page_token || undefined, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const visible = found.contact_scope_all ? undefined : new Set(await services.store.listAppContactUsers(found.app_id));
      return {
        users: page.map((user) => ({
          user_id: user.user_id,
          open_id: deriveOpenId(found.app_id, found.tenant_key, user.user_id),
          union_id: deriveUnionId(found.developer, found.tenant_key, user.user_id),
          name: user.name,
          resigned: user.resigned,
          visible: !visible || visible.has(user.user_id),
        })),
        has_more: rows.length > limit,
        ...(rows.length > limit ? { page_token: page[page.length - 1].user_id } : {}),
      };
    },
  );

  app.get(
    '/tenants/:tenant_key/users/:user_id/status',
    {
      schema: {
        tags: TAGS,
        summary: "What the user's client shows now, and every open status of the user",
        params: Type.Object({ tenant_key: Type.String(), user_id: Type.String() }),
      },
    },
    async (request) => {
      const view = await userStatusView(services, request.params.tenant_key, request.params.user_id);
      if (!view) throw notFound(`user ${request.params.user_id} of tenant ${request.params.tenant_key}`);
      return view;
    },
  );
}
