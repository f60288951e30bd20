// The platform's envelope: the success shape and the error shape every Open API answers.
import Type, { type TSchema } from 'typebox';

/** The platform's success envelope. */
export const ok = <T>(data: T) => ({ code: 0, msg: 'success', data });

export const success = <T extends TSchema>(data: T) => Type.Object({ code: Type.Integer(), msg: Type.String(), data });

/** What src/http/errors/platform-errors.ts writes (it serialises the body itself, in this key order). */
export const ErrorEnvelope = Type.Object({
  code: Type.Integer(),
  msg: Type.String(),
  error: Type.Object({
    log_id: Type.String(),
    message: Type.Optional(Type.String()),
    troubleshooter: Type.String(),
    permission_violations: Type.Optional(
      Type.Array(Type.Object({ type: Type.String(), subject: Type.String(), description: Type.Optional(Type.String()) })),
    ),
    field_violations: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), value: Type.Optional(Type.String()), description: Type.String() })),
    ),
  }),
});

/**
 * An Open API's success answer. Its errors (the envelope, any 4xx or 5xx: a fault rule may pick
 * any status) are added to what the route declares by src/emulator/route-answers.ts for the
 * document: declared here they would be compiled by fast-json-stringify at every start and never
 * used, since the renderer writes error bodies itself.
 */
export const platformResponses = <T extends TSchema>(answer: T) => ({ 200: answer });
