import { invalidParameter, PlatformError } from './errors.js';
import type { Color, I18nText, IconKey, UpdateField } from './enums.js';
import type { SyncSetting, SystemStatus } from './system-status-schema.js';
import { I18N_LOCALES } from './enums.js';
import { textUnits } from './text-length.js';

export type { SyncSetting, SystemStatus } from './system-status-schema.js';

export type SystemStatusDefinition = Omit<SystemStatus, 'system_status_id'>;

/** The create body, and the system_status object of a patch body (shape already checked by the schema). */
export interface SystemStatusInput {
  title?: string;
  i18n_title?: I18nText;
  icon_key?: IconKey;
  color?: Color;
  priority?: number;
  sync_setting?: Partial<SyncSetting>;
}

export const MAX_SYSTEM_STATUSES_PER_TENANT = 10;
export const TITLE_MAX_UNITS = 20;
export const SYNC_TITLE_MAX_UNITS = 30;
export const SYNC_EXPLAIN_MAX_UNITS = 60;
export const DEFAULT_COLOR: Color = 'BLUE';
export const DEFAULT_PRIORITY = 0;
export const DEFAULT_SYNC_TITLE = '自动开启';
export const DEFAULT_SYNC_EXPLAIN = '从相关系统进行信息同步，同步后将自动开启并优先展示该状态。';

/** A lone surrogate (not valid UTF-16, so not encodable as UTF-8) or U+0000 (refused by PostgreSQL's text). */
const UNSTORABLE = /\p{Cs}|\u0000/u;

/** Whether text can be stored (and so can name anything stored) on every engine. */
export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);

function checkText(field: string, value: string, maxUnits: number): string {
  // Either would be stored as something else than was sent (U+FFFD, or an error on one engine).
  if (UNSTORABLE.test(value)) throw invalidParameter(field, 'text must be valid Unicode without U+0000');
  const units = textUnits(value);
  if (units < 1 || units > maxUnits) {
    throw invalidParameter(field, `length must be 1-${maxUnits} (a Chinese character counts 2), got ${units}`, value);
  }
  return value;
}

function checkI18n(field: string, value: I18nText | undefined, maxUnits: number): I18nText | undefined {
  if (value === undefined) return undefined;
  const out: I18nText = {};
  for (const locale of I18N_LOCALES) {
    const text = value[locale];
    if (text !== undefined) out[locale] = checkText(`${field}.${locale}`, text, maxUnits);
  }
  return out;
}

function checkPriority(priority: number): number {
  if (!Number.isInteger(priority) || priority < 0 || priority > 9) {
    throw invalidParameter('priority', 'priority must be an integer from 0 to 9', priority);
  }
  return priority;
}

function normalizeSyncSetting(input: Partial<SyncSetting> | undefined): SyncSetting {
  const sync: SyncSetting = {
    is_open_by_default: input?.is_open_by_default ?? true,
    title: checkText('sync_setting.title', input?.title ?? DEFAULT_SYNC_TITLE, SYNC_TITLE_MAX_UNITS),
    explain: checkText('sync_setting.explain', input?.explain ?? DEFAULT_SYNC_EXPLAIN, SYNC_EXPLAIN_MAX_UNITS),
  };
  const i18nTitle = checkI18n('sync_setting.i18n_title', input?.i18n_title, SYNC_TITLE_MAX_UNITS);
  if (i18nTitle) sync.i18n_title = i18nTitle;
  const i18nExplain = checkI18n('sync_setting.i18n_explain', input?.i18n_explain, SYNC_EXPLAIN_MAX_UNITS);
  if (i18nExplain) sync.i18n_explain = i18nExplain;
  return sync;
}

function requireField<T>(field: string, value: T | undefined): T {
  if (value === undefined) throw invalidParameter(field, `${field} is required`);
  return value;
}

/** Validates a create body and fills the platform's defaults. */
export function definitionForCreate(input: SystemStatusInput): SystemStatusDefinition {
  const definition: SystemStatusDefinition = {
    title: checkText('title', requireField('title', input.title), TITLE_MAX_UNITS),
    icon_key: requireField('icon_key', input.icon_key),
    color: input.color ?? DEFAULT_COLOR,
    priority: checkPriority(input.priority ?? DEFAULT_PRIORITY),
    sync_setting: normalizeSyncSetting(input.sync_setting),
  };
  const i18nTitle = checkI18n('i18n_title', input.i18n_title, TITLE_MAX_UNITS);
  if (i18nTitle) definition.i18n_title = i18nTitle;
  return definition;
}

/**
 * Applies a patch: only the fields named in update_fields change, and only those are
 * validated (the others may be absent from the body). A listed object field is replaced whole.
 */
export function definitionForPatch(
  current: SystemStatusDefinition,
  input: SystemStatusInput,
  updateFields: readonly UpdateField[],
): SystemStatusDefinition {
  if (updateFields.length === 0) throw invalidParameter('update_fields', 'update_fields must not be empty');
  const next: SystemStatusDefinition = structuredClone(current);
  for (const field of new Set(updateFields)) {
    switch (field) {
      case 'TITLE':
        next.title = checkText('system_status.title', requireField('system_status.title', input.title), TITLE_MAX_UNITS);
        break;
      case 'I18N_TITLE': {
        const i18n = checkI18n('system_status.i18n_title', input.i18n_title, TITLE_MAX_UNITS);
        if (i18n) next.i18n_title = i18n;
        else delete next.i18n_title;
        break;
      }
      case 'ICON':
        next.icon_key = requireField('system_status.icon_key', input.icon_key);
        break;
      case 'COLOR':
        next.color = requireField('system_status.color', input.color);
        break;
      case 'PRIORITY':
        next.priority = checkPriority(requireField('system_status.priority', input.priority));
        break;
      case 'SYNC_SETTING':
        next.sync_setting = normalizeSyncSetting(requireField('system_status.sync_setting', input.sync_setting));
        break;
    }
  }
  return next;
}

/** Every name a status is known by: its title and its i18n titles. */
export function statusNames(definition: Pick<SystemStatusDefinition, 'title' | 'i18n_title'>): string[] {
  const names = new Set<string>([definition.title]);
  for (const locale of I18N_LOCALES) {
    const text = definition.i18n_title?.[locale];
    if (text !== undefined) names.add(text);
  }
  return [...names];
}

/** Checks a candidate against the tenant's other statuses: names, priority, count (in the platform's order). */
export function checkAgainstTenant(
  candidate: SystemStatusDefinition,
  others: readonly SystemStatusDefinition[],
  sensitiveWords: readonly string[],
  creating: boolean,
): void {
  if (creating && others.length >= MAX_SYSTEM_STATUSES_PER_TENANT) throw new PlatformError('status_limit');
  const names = statusNames(candidate);
  const lowered = names.map((name) => name.toLowerCase());
  if (sensitiveWords.some((word) => lowered.some((name) => name.includes(word.toLowerCase())))) {
    throw new PlatformError('sensitive_words');
  }
  const taken = new Set(others.flatMap(statusNames));
  if (names.some((name) => taken.has(name))) throw new PlatformError('duplicate_name');
  if (others.some((other) => other.priority === candidate.priority)) throw new PlatformError('duplicate_priority');
}
