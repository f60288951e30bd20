import type { ServerResponse } from 'node:http';
import Type from 'typebox';
import type { App } from '../../http/types.js';
import type { Emulator } from '../emulator.js';
import { EVENT_TYPES, type EmulatorEvent } from '../event-hub.js';
import { requireTenant } from '../../operations/tenants/require-tenant.js';

const TAGS = ['emulator: events'];
const HEARTBEAT_MS = 15_000;

const EventsQuery = Type.Object({
  since: Type.Optional(Type.Integer({ minimum: 0, description: 'replay kept events with a larger id first (also: Last-Event-ID)' })),
  types: Type.Optional(Type.String({ description: `comma-separated subset of ${EVENT_TYPES.join(', ')}` })),
});

function typeFilter(types: string | undefined): (event: EmulatorEvent) => boolean {
  if (!types) return () => true;
  const wanted = new Set(types.split(',').map((type) => type.trim()));
  return (event) => wanted.has(event.type);
}

export async function eventRoutes(app: App, emulator: Emulator) {
  const streams = new Set<ServerResponse>();
  // Open streams would hold the server open forever: end them when it closes.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  app.get(
    '/tenants/:tenant_key/events',
    {
      schema: {
        tags: TAGS,
        summary: 'Server-sent events: opened, replaced, closed, expired, shown, hidden (times are clock times)',
        params: Type.Object({ tenant_key: Type.String() }),
        querystring: EventsQuery,
      },
    },
    async (request, reply) => {
      const tenantKey = request.params.tenant_key;
      await requireTenant(emulator.services.store, tenantKey);
      const lastEventId = Number(request.headers['last-event-id']);
      const since = request.query.since ?? (Number.isInteger(lastEventId) ? lastEventId : undefined);
      const wanted = typeFilter(request.query.types);

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-tt-logid': request.id,
      });
      raw.write('retry: 2000\n\n');
      let lastSent = 0;
      const send = (event: EmulatorEvent) => {
        if (event.id <= lastSent || !wanted(event)) return;
        lastSent = event.id;
        raw.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      const live: EmulatorEvent[] = [];
      let replaying = true;
      const unsubscribe = emulator.events.subscribe(tenantKey, (event) => (replaying ? live.push(event) : send(event)));
      if (since !== undefined) for (const event of emulator.events.since(tenantKey, since)) send(event);
      replaying = false;
      for (const event of live) send(event);

      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      streams.add(raw);
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(raw);
      };
      request.raw.on('close', close);
      raw.on('close', close);
    },
  );

  app.get(
    '/tenants/:tenant_key/events/history',
    {
      schema: {
        tags: TAGS,
        summary: 'The kept events as JSON (the stream without waiting), oldest first',
        params: Type.Object({ tenant_key: Type.String() }),
        querystring: EventsQuery,
      },
    },
    async (request) => {
      await requireTenant(emulator.services.store, request.params.tenant_key);
      // Expiries that fell due while the index was built (at start, after a clock moved back) are published once it is.
      await emulator.expiry.idle();
      const wanted = typeFilter(request.query.types);
      return { events: emulator.events.since(request.params.tenant_key, request.query.since ?? 0).filter(wanted) };
    },
  );
}
