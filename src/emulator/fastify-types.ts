import type { Emulator } from './emulator.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The emulator state beside the store (journal, faults, events, reset). */
    emulator: Emulator;
  }
}
