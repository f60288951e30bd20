/** A control API call that the server refused: its HTTP status and the control error's code and message. */
export class SysstatusError extends Error {
  override readonly name = 'SysstatusError';

  constructor(
    readonly status: number,
    /** The control API's code: not_found, invalid_request, conflict, unauthorized, forbidden, … */
    readonly code: string,
    message: string,
    /** The whole answer body (parsed when it was JSON). */
    readonly body: unknown,
  ) {
    super(message);
  }

  static async from(method: string, url: string, response: Response): Promise<SysstatusError> {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    const { code, message } = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; message?: unknown };
    return new SysstatusError(
      response.status,
      typeof code === 'string' ? code : `http_${response.status}`,
      `${method} ${new URL(url).pathname} answered ${response.status}: ${typeof message === 'string' ? message : text}`,
      body,
    );
  }
}
