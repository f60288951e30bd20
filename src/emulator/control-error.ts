// Typed errors of the control API, rendered by src/http/sysstatus/control-errors.ts.
import { ControlError } from '../http/sysstatus/control-errors.js';
import { PlatformError } from '../domain/errors.js';

export { ControlError, notFound } from '../http/sysstatus/control-errors.js';

export const conflict = (message: string) => new ControlError(409, 'conflict', message);
export const badRequest = (message: string) => new ControlError(400, 'invalid_request', message);
export const disabledInProduction = (what: string) =>
  new ControlError(403, 'disabled_in_production', `${what} is an emulator control; it is off in production mode`);

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
