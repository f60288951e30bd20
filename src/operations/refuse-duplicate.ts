import { conflict } from '../emulator/control-error.js';
import { ConflictError } from '../store/store.js';

/**
 * Runs an insert whose key was checked free in the same transaction. On PostgreSQL a concurrent
 * transaction may still take the key between check and insert: the database refuses the row,
 * and the caller gets the control API's conflict, as if it had lost the check.
 */
export async function refuseDuplicate<T>(what: string, insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    if (error instanceof ConflictError && error.rule === 'primary_key') throw conflict(`${what} already exists`);
    throw error;
  }
}
