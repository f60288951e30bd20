import Type from 'typebox';
import type { App } from '../../http/types.js';
import { JOURNAL_API_IDS } from '../api-ids.js';
import { badRequest, disabledInProduction, notFound } from '../control-error.js';
import type { Emulator } from '../emulator.js';
import { FaultRuleError } from '../faults.js';

const TAGS = ['emulator: faults'];

const FaultBody = Type.Object(
  {
    api: Type.Enum([...JOURNAL_API_IDS]),
    app_id: Type.Optional(Type.String()),
    times: Type.Optional(Type.Integer({ minimum: 1, description: 'fire on this many matching calls; absent: until deleted' })),
    match: Type.Optional(
      Type.Object(
        {
          tenant_key: Type.Optional(Type.String()),
          user_id_type: Type.Optional(Type.Enum(['open_id', 'union_id', 'user_id'])),
          system_status_id: Type.Optional(Type.String()),
          user_id: Type.Optional(Type.String({ description: 'the request names this user (path, user_list or user_ids)' })),
        },
        { additionalProperties: false },
      ),
    ),
    response: Type.Optional(
      Type.Object(
        {
          status: Type.Integer({ minimum: 200, maximum: 599 }),
          code: Type.Integer(),
          msg: Type.String(),
          headers: Type.Optional(Type.Record(Type.String(), Type.String())),
        },
        { additionalProperties: false },
      ),
    ),
    delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
    probability: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'needs seed' })),
    seed: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export async function faultRoutes(app: App, emulator: Emulator) {
  const guard = () => {
    if (emulator.mode === 'production') throw disabledInProduction('fault injection');
  };

  app.get('/faults', { schema: { tags: TAGS, summary: 'Fault rules, with remaining and fired counts' } }, async () => {
    guard();
    return { rules: emulator.faults.list() };
  });

  app.post(
    '/faults',
    { schema: { tags: TAGS, summary: 'Add a rule: the next N matching calls answer this error and/or wait delay_ms', body: FaultBody } },
    async (request, reply) => {
      guard();
      try {
        return reply.code(201).send(emulator.faults.add(request.body, emulator.services.clock.now()));
      } catch (error) {
        if (error instanceof FaultRuleError) throw badRequest(error.message);
        throw error;
      }
    },
  );

  app.get('/faults/:id', { schema: { tags: TAGS, summary: 'One fault rule', params: Type.Object({ id: Type.String() }) } }, async (request) => {
    guard();
    const rule = emulator.faults.get(request.params.id);
    if (!rule) throw notFound(`fault rule ${request.params.id}`);
    return rule;
  });

  app.delete('/faults', { schema: { tags: TAGS, summary: 'Remove every fault rule' } }, async (_request, reply) => {
    guard();
    emulator.faults.clear();
    return reply.code(204).send();
  });

  app.delete(
    '/faults/:id',
    { schema: { tags: TAGS, summary: 'Remove one fault rule', params: Type.Object({ id: Type.String() }) } },
    async (request, reply) => {
      guard();
      if (!emulator.faults.delete(request.params.id)) throw notFound(`fault rule ${request.params.id}`);
      return reply.code(204).send();
    },
  );
}
