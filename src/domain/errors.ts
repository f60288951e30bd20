// The one catalogue of every error code the server answers: code → HTTP status → message.
// ERRORS are the platform's (texts verbatim, see docs/compatibility.md; clients match on them);
// CONTROL_ERRORS are the control API's under /_sysstatus. A test checks both against the doc.

export interface ErrorSpec {
  readonly code: number;
  readonly status: number;
  readonly msg: string;
  /** Gateway errors carry a documentation link in error.message. */
  readonly docPath?: string;
  /** The token endpoints' 10003 carries an empty data object between code and msg, as the live platform sends it. */
  readonly emptyData?: true;
}

const gatewayDoc = (code: number) =>
  `https://open.feishu.cn/document/uAjLw4CM/ugTN1YjL4UTN24CO1UjN/trouble-shooting/how-to-fix-${code === 99991672 ? 'the-' : ''}${code}-error`;

export const ERRORS = {
  // Service errors of personal_settings (all HTTP 400).
  invalid_parameter: { code: 2005001, status: 400, msg: 'Your request contains an invalid request parameter.' },
  duplicate_name: {
    code: 2005002,
    status: 400,
    msg: 'The same name or i18n name has already be created within your tenant.',
  },
  sensitive_words: { code: 2005003, status: 400, msg: 'Name or i18n name contains sensitive words.' },
  status_limit: { code: 2005004, status: 400, msg: 'The number of tenant system status exceeds limit' },
  duplicate_priority: {
    code: 2005005,
    status: 400,
    msg: 'The priority of tenant system status has already be created within your tenant.',
  },
  other_tenant_user: { code: 2005006, status: 400, msg: 'Request contains other tenant user.' },
  tenant_no_permission: { code: 2005007, status: 400, msg: 'Tenant does not have permission to api.' },

  // contact/v3 user reads (docs/compatibility.md names the evidence for each).
  contact_user_not_found: {
    code: 99992360,
    status: 400,
    msg: 'The request you send is not a valid {user_id} or not exists',
  },
  contact_open_id_cross_app: { code: 99992361, status: 400, msg: 'open_id cross app' },
  contact_union_id_cross_tenant: { code: 99992381, status: 400, msg: 'union_id cross tenant' },
  contact_field_validation: { code: 99992402, status: 400, msg: 'field validation failed' },
  contact_no_user_authority: { code: 41050, status: 400, msg: 'no user authority error' },

  // The auth/v3 token endpoints: HTTP 200, a bare {code, msg} body (section 4 of the doc).
  token_invalid_param: { code: 10003, status: 200, msg: 'invalid param', emptyData: true },
  token_app_secret_invalid: { code: 10014, status: 200, msg: 'app secret invalid' },

  // Gateway errors.
  missing_token: {
    code: 99991661,
    status: 400,
    msg: 'Missing access token for authorization. Please make a request with token attached.',
    docPath: gatewayDoc(99991661),
  },
  invalid_tenant_token: {
    code: 99991663,
    status: 400,
    msg: 'Invalid access token for authorization. Please make a request with token attached.',
    docPath: gatewayDoc(99991663),
  },
  user_token_not_supported: {
    code: 99991668,
    status: 400,
    msg: 'user access token not support',
    docPath: gatewayDoc(99991668),
  },
  malformed_token: {
    code: 99991671,
    status: 400,
    msg: 'Invalid token: must start with t-/u-',
    docPath: gatewayDoc(99991671),
  },
  scope_required: {
    code: 99991672,
    status: 400,
    msg: 'Access denied. One of the following scopes is required',
    docPath: gatewayDoc(99991672),
  },
  app_type_not_supported: { code: 99991676, status: 400, msg: 'token no permission', docPath: gatewayDoc(99991676) },
  rate_limited: { code: 99991400, status: 429, msg: 'request trigger frequency limit' },
  internal: { code: 99991500, status: 500, msg: 'internal server error' },
  unavailable: { code: 99991504, status: 503, msg: 'service unavailable, please retry later' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ERRORS;

export interface ControlErrorSpec {
  readonly status: number;
  /** What the error means; the thrower's message says what exactly went wrong. */
  readonly message: string;
}

/** The control API's errors: {code, message} with the HTTP status, code being the key. */
export const CONTROL_ERRORS = {
  invalid_request: { status: 400, message: 'the request is not valid' },
  unauthorized: { status: 401, message: 'the control API needs the admin token: Authorization: Bearer <token>' },
  forbidden: {
    status: 403,
    message: 'in emulator mode the control API answers loopback clients only; start with --admin-token to open it to others',
  },
  disabled_in_production: { status: 403, message: 'an emulator control; it is off in production mode' },
  not_found: { status: 404, message: 'not found' },
  conflict: { status: 409, message: 'conflicts with what is stored' },
  payload_too_large: { status: 413, message: 'the request body is too large' },
  unsupported_media_type: { status: 415, message: 'the request body is not JSON' },
  internal: { status: 500, message: 'internal error' },
  unavailable: { status: 503, message: 'the database is unavailable, please retry later' },
} as const satisfies Record<string, ControlErrorSpec>;

export type ControlErrorName = keyof typeof CONTROL_ERRORS;

export interface FieldViolation {
  field: string;
  value?: string;
  description: string;
}

export interface PermissionViolation {
  type: string;
  subject: string;
  description?: string;
}

/** A platform error: thrown anywhere, rendered into the envelope in one place. */
export class PlatformError extends Error {
  readonly spec: ErrorSpec;
  /** Overrides spec.msg (99991672 appends its scope list). */
  readonly wireMsg: string;
  readonly fieldViolations?: FieldViolation[];
  readonly permissionViolations?: PermissionViolation[];
  /** Extra response headers, e.g. x-ogw-ratelimit-*. */
  readonly headers?: Record<string, string>;

  constructor(
    name: ErrorName | ErrorSpec,
    options: {
      msg?: string;
      fieldViolations?: FieldViolation[];
      permissionViolations?: PermissionViolation[];
      headers?: Record<string, string>;
    } = {},
  ) {
    const spec = typeof name === 'string' ? ERRORS[name] : name;
    super(options.msg ?? spec.msg);
    this.spec = spec;
    this.wireMsg = options.msg ?? spec.msg;
    if (options.fieldViolations) this.fieldViolations = options.fieldViolations;
    if (options.permissionViolations) this.permissionViolations = options.permissionViolations;
    if (options.headers) this.headers = options.headers;
  }
}

export const invalidParameter = (field: string, description: string, value?: unknown) =>
  new PlatformError('invalid_parameter', {
    fieldViolations: [{ field, ...(value === undefined ? {} : { value: String(value) }), description }],
  });

/** A control API error: thrown by the control plane, rendered as {code, message} in one place. */
export class ControlError extends Error {
  readonly spec: ControlErrorSpec;
  /** Extra response headers, e.g. WWW-Authenticate. */
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ControlErrorName,
    message: string = CONTROL_ERRORS[code].message,
    headers?: Record<string, string>,
  ) {
    super(message);
    this.spec = CONTROL_ERRORS[code];
    if (headers) this.headers = headers;
  }

  get status(): number {
    return this.spec.status;
  }
}
