import { EventEmitter } from 'node:events';
import { ControlledClock } from './clock.js';
import type { Config } from './config.js';
import { IdGenerator } from './id-generator.js';
import { AuthCache } from './operations/auth-cache.js';
import type { Services, StatusChangeEvent } from './operations/context.js';
import type { Store } from './store/store.js';

export function createServices(store: Store, config: Pick<Config, 'sensitive_words'>, clock = new ControlledClock()): Services {
  return {
    store,
    clock,
    ids: new IdGenerator(clock),
    settings: { sensitive_words: config.sensitive_words },
    auth: new AuthCache(store),
    events: new EventEmitter<{ change: [StatusChangeEvent] }>(),
  };
}
