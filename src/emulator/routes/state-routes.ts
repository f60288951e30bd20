import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { App } from '../../http/types.js';
import { badRequest, disabledInProduction } from '../control-error.js';
import type { Emulator } from '../emulator.js';
import { KEEPABLE_PARTS } from '../reset-hooks.js';
import { exportSnapshot, importSnapshot, parseSnapshot, SnapshotError } from '../snapshot.js';

const TAGS = ['emulator: state'];
const ResetBody = Type.Object(
  { keep: Type.Optional(Type.Array(Type.Enum([...KEEPABLE_PARTS]))) },
  { additionalProperties: false },
);
type ResetBody = Static<typeof ResetBody>;
const checkReset = Compile(ResetBody);
/** Snapshots of large tenants are far bigger than an Open API body. */
const SNAPSHOT_BODY_LIMIT = 256 * 1024 * 1024;

export async function stateRoutes(app: App, emulator: Emulator) {
  app.post(
    '/reset',
    {
      schema: {
        tags: TAGS,
        summary: 'Back to the start state (the seed, same IDs); clears journal, faults, events and clock changes unless kept',
        description: 'Body (optional): {"keep": ["journal" | "faults" | "clock" | "events"]}.',
      },
    },
    async (request) => {
      if (emulator.mode === 'production') throw disabledInProduction('reset');
      if (!checkReset.Check(request.body ?? {})) throw badRequest('body: {"keep": [journal | faults | clock | events]} or nothing');
      await emulator.reset({ keep: (request.body as ResetBody | undefined)?.keep });
      return { reset: true, clock: emulator.services.clock.state() };
    },
  );

  app.get('/snapshot', { schema: { tags: TAGS, summary: 'The whole stored state as JSON (secrets only as digests)' } }, async () =>
    exportSnapshot(emulator.services),
  );

  app.post(
    '/snapshot',
    { bodyLimit: SNAPSHOT_BODY_LIMIT, schema: { tags: TAGS, summary: 'Replace the whole stored state with a snapshot (all or nothing)' } },
    async (request) => {
      let snapshot;
      try {
        snapshot = parseSnapshot(request.body);
        await importSnapshot(emulator.services, snapshot);
      } catch (error) {
        if (error instanceof SnapshotError) throw badRequest(error.message);
        const { ConflictError } = await import('../../store/store.js');
        if (error instanceof ConflictError) throw badRequest(`the snapshot repeats a ${error.rule}`);
        throw error;
      }
      await emulator.imported();
      return { imported: { tenants: snapshot.tenants.length, access_tokens: snapshot.access_tokens.length } };
    },
  );
}
