// The ceiling: bare Fastify on the same paths, validating the same bodies with the same TypeBox
// schemas and compiler and serialising the same response schemas, but with no auth, no rate
// limits and no storage. It answers what sysstatus would, as far as it can without state.
//   node .tmp/bench-build/bench/baseline/bare-fastify.js --port N
import { parseArgs } from 'node:util';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import {
  BatchCloseBody,
  BatchCloseReply,
  BatchOpenBody,
  BatchOpenReply,
  ListQuery,
  ListReply,
  SystemStatusParams,
  UserIdTypeQuery,
} from '../../src/http/open-apis/system-statuses/schemas.js';

const BASE = '/open-apis/personal_settings/v1/system_statuses';

const STATUSES = Array.from({ length: 10 }, (_, priority) => ({
  system_status_id: String(7_300_000_000_000_000_000n + BigInt(priority)),
  title: `bench-status-${priority}`,
  i18n_title: { zh_cn: `状态${priority}`, en_us: `Status ${priority}` },
  icon_key: 'GeneralBusinessTrip',
  color: 'BLUE',
  priority,
  sync_setting: { is_open_by_default: priority !== 7, title: '', explain: '' },
}));

function buildBareApp() {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  app.post(
    `${BASE}/:system_status_id/batch_open`,
    { schema: { params: SystemStatusParams, querystring: UserIdTypeQuery, body: BatchOpenBody, response: { 200: BatchOpenReply } } },
    async (request) => {
      const { user_list } = request.body as BatchOpenBody;
      return {
        code: 0,
        msg: 'success',
        data: { result_list: user_list.map((user) => ({ user_id: user.user_id, end_time: user.end_time, result: 'success_show' })) },
      };
    },
  );

  app.post(
    `${BASE}/:system_status_id/batch_close`,
    { schema: { params: SystemStatusParams, querystring: UserIdTypeQuery, body: BatchCloseBody, response: { 200: BatchCloseReply } } },
    async (request) => {
      const { user_list } = request.body as BatchCloseBody;
      return { code: 0, msg: 'success', data: { result_list: user_list.map((user_id) => ({ user_id, result: 'success' })) } };
    },
  );

  app.get(BASE, { schema: { querystring: ListQuery, response: { 200: ListReply } } }, async () => ({
    code: 0,
    msg: 'success',
    data: { items: STATUSES, has_more: false },
  }));

  app.post('/open-apis/auth/v3/tenant_access_token/internal', async () => ({
    code: 0,
    msg: 'ok',
    tenant_access_token: 't-0123456789abcdef0123456789abcdef01234567',
    expire: 7200,
  }));

  return app;
}

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const app = buildBareApp();
await app.listen({ host: '127.0.0.1', port: Number(values.port ?? 3001) });
const close = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', close);
process.on('SIGINT', close);
