// The control plane's typed errors (catalogued in src/domain/errors.ts, rendered by
// src/http/errors/control-errors.ts).
import { ControlError, PlatformError } from '../domain/errors.js';

export { ControlError } from '../domain/errors.js';

export const notFound = (what: string) => new ControlError('not_found', `${what} not found`);
export const conflict = (message: string) => new ControlError('conflict', message);
export const badRequest = (message: string) => new ControlError('invalid_request', message);
export const disabledInProduction = (what: string) =>
  new ControlError('disabled_in_production', `${what} is an emulator control; it is off in production mode`);

/** Rule violations of provisioning code (plain Errors) are the caller's mistakes: 400. */
export async function asBadRequest<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ControlError || error instanceof PlatformError) throw error;
    if (error instanceof Error && error.constructor === Error) throw badRequest(error.message);
    throw error;
  }
}
