/** The platform's success envelope. */
export const ok = <T>(data: T) => ({ code: 0, msg: 'success', data });
