import Type from 'typebox';
import { APIS } from '../../../domain/apis.js';
import type { Services } from '../../../operations/context.js';
import { batchContactUsers, getContactUser, parseUserIdType } from '../../../operations/contact/read-users.js';
import { platformPath } from '../../prefixes.js';
import type { App } from '../../types.js';
import { ok, platformResponses, success } from '../envelope.js';
import { callerOf } from '../gateway-hooks.js';

const TAGS = ['contact'];

// Loose on purpose: a bad user_id_type or user_ids count is the platform's 99992402, checked in the operation.
const UserQuery = Type.Object({
  user_id_type: Type.Optional(Type.String({ description: 'open_id (default), union_id or user_id' })),
  department_id_type: Type.Optional(Type.String({ description: 'accepted and ignored: departments are not emulated' })),
});

const BatchQuery = Type.Object({
  ...UserQuery.properties,
  user_ids: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: '1-50 IDs, repeated: user_ids=a&user_ids=b' })),
});

/** The user subset sysstatus models (docs/compatibility.md §14); IDs and name as the app's scopes allow. */
const ContactUser = Type.Object({
  union_id: Type.String(),
  user_id: Type.Optional(Type.String()),
  open_id: Type.String(),
  name: Type.Optional(Type.String()),
  status: Type.Object({
    is_frozen: Type.Boolean(),
    is_resigned: Type.Boolean(),
    is_activated: Type.Boolean(),
    is_exited: Type.Boolean(),
    is_unjoin: Type.Boolean(),
  }),
});

/** GET contact/v3/users/:user_id and users/batch, behind the same gateway hooks as the other APIs. */
export async function contactUserRoutes(app: App, services: Services) {
  app.get(
    platformPath(APIS.contact_user_batch.path),
    { config: { api: APIS.contact_user_batch }, schema: {
        tags: TAGS,
        operationId: 'contact_user_batch',
        querystring: BatchQuery,
        response: platformResponses(success(Type.Object({ items: Type.Array(ContactUser) }))),
      },
    },
    async (request) => {
      const raw = request.query.user_ids;
      const ids = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      const items = await batchContactUsers(services, callerOf(request).app, parseUserIdType(request.query.user_id_type), ids);
      return ok({ items });
    },
  );

  app.get(
    platformPath(APIS.contact_user_get.path),
    {
      config: { api: APIS.contact_user_get },
      schema: {
        tags: TAGS,
        operationId: 'contact_user_get',
        params: Type.Object({ user_id: Type.String() }),
        querystring: UserQuery,
        response: platformResponses(success(Type.Object({ user: ContactUser }))),
      },
    },
    async (request) => {
      const user = await getContactUser(services, callerOf(request).app, parseUserIdType(request.query.user_id_type), request.params.user_id);
      return ok({ user });
    },
  );
}
