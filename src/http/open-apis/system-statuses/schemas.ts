// The wire contract of the system_status family: request validation, response serialisation and
// the OpenAPI document all come from these schemas.
import Type, { type Static } from 'typebox';
import { success } from '../envelope.js';
import { BATCH_CLOSE_RESULTS, BATCH_OPEN_RESULTS, UPDATE_FIELDS, USER_ID_TYPES } from '../../../domain/enums.js';
import { CreateSystemStatusBody, SystemStatusFields, SystemStatusSchema } from '../../../domain/system-status-schema.js';

export const CreateBody = CreateSystemStatusBody;
export type CreateBody = CreateSystemStatusBody;

export const PatchBody = Type.Object({
  system_status: Type.Object({
    ...SystemStatusFields,
    // Only the fields named in update_fields are read, so none is required here.
    title: Type.Optional(SystemStatusFields.title),
    icon_key: Type.Optional(SystemStatusFields.icon_key),
  }),
  update_fields: Type.Array(Type.Enum([...UPDATE_FIELDS]), { minItems: 1 }),
});
export type PatchBody = Static<typeof PatchBody>;

export const SystemStatusParams = Type.Object({ system_status_id: Type.String() });

export const ListQuery = Type.Object({
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 50 })),
  page_token: Type.Optional(Type.String()),
});

export const UserIdTypeQuery = Type.Object({
  user_id_type: Type.Optional(Type.Enum([...USER_ID_TYPES], { default: 'open_id' })),
});

const EndTime = Type.Union([Type.Number(), Type.String()], {
  description: 'Unix seconds, as a number or a numeric string; at most 365 days ahead',
});

export const BatchOpenBody = Type.Object({
  user_list: Type.Array(Type.Object({ user_id: Type.String(), end_time: EndTime }), { minItems: 1, maxItems: 50 }),
});
export type BatchOpenBody = Static<typeof BatchOpenBody>;

export const BatchCloseBody = Type.Object({
  user_list: Type.Array(Type.String(), { minItems: 1, maxItems: 50 }),
});
export type BatchCloseBody = Static<typeof BatchCloseBody>;

// ---- responses ----------------------------------------------------------------------------

const SystemStatus = SystemStatusSchema;


export const SystemStatusReply = success(Type.Object({ system_status: SystemStatus }));
export const ListReply = success(
  Type.Object({ items: Type.Array(SystemStatus), page_token: Type.Optional(Type.String()), has_more: Type.Boolean() }),
);
export const EmptyReply = success(Type.Object({}));
export const BatchOpenReply = success(
  Type.Object({
    result_list: Type.Array(
      Type.Object({ user_id: Type.String(), end_time: EndTime, result: Type.Enum([...BATCH_OPEN_RESULTS]) }),
    ),
  }),
);
export const BatchCloseReply = success(
  Type.Object({
    result_list: Type.Array(Type.Object({ user_id: Type.String(), result: Type.Enum([...BATCH_CLOSE_RESULTS]) })),
  }),
);
