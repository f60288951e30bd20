import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

/** Every method a store object has, its class's and their ancestors' (not Object's). */
function methodNames(store: object): string[] {
  const names = new Set<string>();
  for (let proto = store; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof (store as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names];
}

/**
 * The same store, timing every asynchronous method into sysstatus_store_operation_duration_seconds.
 * The wrappers are made once, here: on the request path a call costs two clock reads and one
 * observation, not a proxy trap and a closure.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const timed: Record<string, unknown> = {};
  for (const name of methodNames(store)) {
    const method = (store as unknown as Record<string, (...args: unknown[]) => unknown>)[name].bind(store);
    if (name === 'close') {
      timed[name] = method;
      continue;
    }
    const durations = metrics.storeOperation(name);
    timed[name] = (...args: unknown[]) => {
      const started = performance.now();
      const result = method(...args);
      if (!(result instanceof Promise)) return result;
      const observe = () => durations.observe((performance.now() - started) / 1000);
      return result.then(
        (value: unknown) => {
          observe();
          return value;
        },
        (error: unknown) => {
          observe();
          throw error;
        },
      );
    };
  }
  // Plain fields (the engine's name) read through to the store itself.
  return Object.setPrototypeOf(timed, store) as Store;
}
