// The one declaration of the system status shape, as TypeBox schemas (pure data: no I/O). The
// platform's request and response schemas, the seed file and the snapshot file build on these;
// the domain's types are derived from them.
import Type, { type Static } from 'typebox';
import { COLORS, ICON_KEYS } from './enums.js';

export const I18nTextSchema = Type.Object({
  zh_cn: Type.Optional(Type.String()),
  en_us: Type.Optional(Type.String()),
  ja_jp: Type.Optional(Type.String()),
});

/** A system status definition as the platform returns it. */
export const SystemStatusSchema = Type.Object({
  system_status_id: Type.String(),
  title: Type.String(),
  i18n_title: Type.Optional(I18nTextSchema),
  icon_key: Type.Enum([...ICON_KEYS]),
  color: Type.Enum([...COLORS]),
  priority: Type.Integer({ minimum: 0, maximum: 9 }),
  sync_setting: Type.Object({
    is_open_by_default: Type.Boolean(),
    title: Type.String(),
    i18n_title: Type.Optional(I18nTextSchema),
    explain: Type.String(),
    i18n_explain: Type.Optional(I18nTextSchema),
  }),
});
export type SystemStatus = Static<typeof SystemStatusSchema>;
export type SyncSetting = SystemStatus['sync_setting'];

const SyncSettingInput = Type.Object({
  is_open_by_default: Type.Optional(Type.Boolean()),
  title: Type.Optional(Type.String({ description: '1-30 units; a Chinese character counts 2' })),
  i18n_title: Type.Optional(I18nTextSchema),
  explain: Type.Optional(Type.String({ description: '1-60 units; a Chinese character counts 2' })),
  i18n_explain: Type.Optional(I18nTextSchema),
});

/** The fields of a create body (and of a patch body's system_status, where none is required). */
export const SystemStatusFields = {
  title: Type.String({ description: '1-20 units; a Chinese character counts 2; unique within the tenant' }),
  i18n_title: Type.Optional(I18nTextSchema),
  icon_key: SystemStatusSchema.properties.icon_key,
  color: Type.Optional(Type.Enum([...COLORS], { default: 'BLUE' })),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 9, default: 0, description: 'smaller is shown first' })),
  sync_setting: Type.Optional(SyncSettingInput),
};

export const CreateSystemStatusBody = Type.Object(SystemStatusFields);
export type CreateSystemStatusBody = Static<typeof CreateSystemStatusBody>;
