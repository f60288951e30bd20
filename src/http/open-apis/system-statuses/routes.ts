import { APIS } from '../../../domain/apis.js';
import type { Services } from '../../../operations/context.js';
import { batchClose } from '../../../operations/system-statuses/batch-close.js';
import { batchOpen } from '../../../operations/system-statuses/batch-open.js';
import { createSystemStatus } from '../../../operations/system-statuses/create-system-status.js';
import { deleteSystemStatus } from '../../../operations/system-statuses/delete-system-status.js';
import { listSystemStatuses } from '../../../operations/system-statuses/list-system-statuses.js';
import { patchSystemStatus } from '../../../operations/system-statuses/patch-system-status.js';
import { platformPath } from '../../prefixes.js';
import { describeOnly } from '../../serializer-compiler.js';
import type { App } from '../../types.js';
import { ok, platformResponses } from '../envelope.js';
import { callerOf } from '../gateway-hooks.js';
import {
  BatchCloseBody,
  BatchCloseReply,
  BatchOpenBody,
  BatchOpenReply,
  CreateBody,
  EmptyReply,
  ListQuery,
  ListReply,
  PatchBody,
  SystemStatusParams,
  SystemStatusReply,
  UserIdTypeQuery,
} from './schemas.js';

const TAGS = ['system_status'];

/** The six system_status operations; the gateway hooks of the enclosing plugin run first. */
export async function systemStatusRoutes(app: App, services: Services) {
  app.post(
    platformPath(APIS.create.path),
    { config: { api: APIS.create }, schema: { tags: TAGS, operationId: 'create', body: CreateBody, response: platformResponses(SystemStatusReply) } },
    async (request) => {
      const status = await createSystemStatus(services, callerOf(request).tenant.tenant_key, request.body);
      return ok({ system_status: status });
    },
  );

  app.get(
    platformPath(APIS.list.path),
    { config: { api: APIS.list }, schema: { tags: TAGS, operationId: 'list', querystring: ListQuery, response: platformResponses(ListReply) } },
    async (request) => {
      const { page_size, page_token } = request.query;
      return ok(await listSystemStatuses(services, callerOf(request).tenant.tenant_key, page_size, page_token || undefined));
    },
  );

  app.patch(
    platformPath(APIS.patch.path),
    {
      config: { api: APIS.patch },
      schema: { tags: TAGS, operationId: 'patch', params: SystemStatusParams, body: PatchBody, response: platformResponses(SystemStatusReply) },
    },
    async (request) => {
      const { system_status, update_fields } = request.body;
      const status = await patchSystemStatus(
        services,
        callerOf(request).tenant.tenant_key,
        request.params.system_status_id,
        system_status,
        update_fields,
      );
      return ok({ system_status: status });
    },
  );

  app.delete(
    platformPath(APIS.delete.path),
    { config: { api: APIS.delete }, schema: { tags: TAGS, operationId: 'delete', params: SystemStatusParams, response: platformResponses(EmptyReply) } },
    async (request) => {
      await deleteSystemStatus(services, callerOf(request).tenant.tenant_key, request.params.system_status_id);
      return ok({});
    },
  );

  app.post(
    platformPath(APIS.batch_open.path),
    {
      config: { api: APIS.batch_open },
      serializerCompiler: describeOnly,
      schema: {
        tags: TAGS,
        operationId: 'batch_open',
        params: SystemStatusParams,
        querystring: UserIdTypeQuery,
        body: BatchOpenBody,
        response: platformResponses(BatchOpenReply),
      },
    },
    async (request) => {
      const result_list = await batchOpen(
        services,
        callerOf(request).app,
        request.params.system_status_id,
        request.query.user_id_type ?? 'open_id',
        request.body.user_list,
      );
      return ok({ result_list });
    },
  );

  app.post(
    platformPath(APIS.batch_close.path),
    {
      config: { api: APIS.batch_close },
      serializerCompiler: describeOnly,
      schema: {
        tags: TAGS,
        operationId: 'batch_close',
        params: SystemStatusParams,
        querystring: UserIdTypeQuery,
        body: BatchCloseBody,
        response: platformResponses(BatchCloseReply),
      },
    },
    async (request) => {
      const result_list = await batchClose(
        services,
        callerOf(request).app,
        request.params.system_status_id,
        request.query.user_id_type ?? 'open_id',
        request.body.user_list,
      );
      return ok({ result_list });
    },
  );
}
