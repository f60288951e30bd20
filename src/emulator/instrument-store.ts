import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

/** The same store, timing every asynchronous method into sysstatus_store_operation_duration_seconds. */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'close') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        const end = metrics.store.startTimer({ operation: property });
        return result.finally(() => end());
      };
    },
  });
}
