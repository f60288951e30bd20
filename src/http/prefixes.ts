// The surfaces' path prefixes: each is one encapsulated plugin with its own error renderer and 404.
/** The platform's Open APIs (envelope errors, the gateway's plain 404). */
export const PLATFORM_PREFIX = '/open-apis';
/** sysstatus's own control plane (plain JSON errors), its docs and its console. */
export const CONTROL_PREFIX = '/_sysstatus';

/** An Open API's path inside the platform plugin (the catalogue keeps the full path, as logs and the journal show it). */
export const platformPath = (fullPath: string) => {
  if (!fullPath.startsWith(`${PLATFORM_PREFIX}/`)) throw new Error(`${fullPath} is not under ${PLATFORM_PREFIX}`);
  return fullPath.slice(PLATFORM_PREFIX.length);
};
