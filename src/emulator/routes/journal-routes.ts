import Type, { type Static } from 'typebox';
import type { App } from '../../http/types.js';
import { JOURNAL_API_IDS } from '../api-ids.js';
import type { Emulator } from '../emulator.js';
import type { JournalQuery } from '../journal.js';
import { parseInstant } from './clock-routes.js';

const TAGS = ['emulator: journal'];

const Filter = {
  api: Type.Optional(Type.Enum([...JOURNAL_API_IDS])),
  app_id: Type.Optional(Type.String()),
  tenant_key: Type.Optional(Type.String()),
  code: Type.Optional(Type.Integer({ description: 'the envelope code, e.g. 0 or 99991400' })),
  status: Type.Optional(Type.Integer({ description: 'the HTTP status' })),
  since: Type.Optional(Type.String({ description: 'ms since the epoch or ISO 8601 (inclusive, clock time)' })),
  until: Type.Optional(Type.String({ description: 'ms since the epoch or ISO 8601 (inclusive, clock time)' })),
};
const FilterQuery = Type.Object(Filter);
const ListQuery = Type.Object({ ...Filter, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 100 })) });

function toQuery(query: Static<typeof FilterQuery> & { limit?: number }): JournalQuery {
  return {
    api: query.api,
    app_id: query.app_id,
    tenant_key: query.tenant_key,
    code: query.code,
    status: query.status,
    since: parseInstant('since', query.since),
    until: parseInstant('until', query.until),
    limit: query.limit,
  };
}

export async function journalRoutes(app: App, emulator: Emulator) {
  app.get(
    '/journal',
    { schema: { tags: TAGS, summary: 'Open API requests, newest first (credentials redacted)', querystring: ListQuery } },
    async (request) => ({ entries: emulator.journal.query(toQuery({ ...request.query, limit: request.query.limit ?? 100 })) }),
  );

  app.get(
    '/journal/count',
    { schema: { tags: TAGS, summary: 'How many kept requests match: for assertions', querystring: FilterQuery } },
    async (request) => ({ count: emulator.journal.count(toQuery(request.query)) }),
  );

  app.delete('/journal', { schema: { tags: TAGS, summary: 'Forget every recorded request' } }, async (_request, reply) => {
    emulator.journal.clear();
    return reply.code(204).send();
  });
}
