import Type from 'typebox';
import type { App } from '../../http/types.js';
import { badRequest, disabledInProduction } from '../control-error.js';
import type { Emulator } from '../emulator.js';

const TAGS = ['emulator: clock'];

/** Milliseconds since the epoch, from a number or an ISO 8601 string. */
export function parseInstant(field: string, value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest(`${field} is neither milliseconds since the epoch nor an ISO 8601 time: ${value}`);
  return ms;
}

const ClockBody = Type.Object(
  {
    action: Type.Enum(['freeze', 'unfreeze', 'set', 'advance', 'reset']),
    at: Type.Optional(Type.Union([Type.Integer(), Type.String()], { description: 'freeze / set: ms since the epoch or ISO 8601' })),
    ms: Type.Optional(Type.Integer({ description: 'advance: milliseconds (negative moves back)' })),
  },
  { additionalProperties: false },
);

/**
 * One clock for the whole server: tokens, log ids, rate windows and expiry all read it, and
 * tokens and apps are not tied to one tenant's time. Per-tenant clocks would make a token's
 * lifetime depend on which tenant asks.
 */
export async function clockRoutes(app: App, emulator: Emulator) {
  const clock = emulator.services.clock;
  app.get('/clock', { schema: { tags: TAGS, summary: 'The server time: now (ms), frozen, offset from wall time' } }, async () => clock.state());

  app.post(
    '/clock',
    {
      schema: {
        tags: TAGS,
        summary: 'Freeze, unfreeze, set, advance or reset the server time; expiries it passes fire at once',
        body: ClockBody,
      },
    },
    async (request) => {
      if (emulator.mode === 'production') throw disabledInProduction('the clock');
      const { action } = request.body;
      const at = parseInstant('at', request.body.at);
      switch (action) {
        case 'freeze':
          clock.freeze(at);
          break;
        case 'unfreeze':
          clock.unfreeze();
          break;
        case 'set':
          if (at === undefined) throw badRequest('set needs at');
          clock.set(at);
          break;
        case 'advance':
          if (request.body.ms === undefined) throw badRequest('advance needs ms');
          clock.advance(request.body.ms);
          break;
        case 'reset':
          clock.reset();
          break;
      }
      await emulator.expiry.idle();
      return clock.state();
    },
  );
}
