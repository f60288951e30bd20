// Create or edit a system status through the platform API, choosing update_fields on edit.
import { useEffect, useRef, useState } from 'preact/hooks';
import { COLORS, ICON_KEYS, UPDATE_FIELDS, type UpdateField } from '../../domain/enums.js';
import type { I18nText, SystemStatus } from './api.js';
import { StatusChip } from './chip.js';
import { hueOf } from './colors.js';
import { useConsole } from './context.js';
import { StatusIcon } from './icons.js';
import { PlatformErrorView, type PlatformFailure } from './platform-error.js';

interface Draft {
  title: string;
  i18n_title: Required<I18nText>;
  icon_key: string;
  color: string;
  priority: number;
  sync_open: boolean;
  sync_title: string;
  sync_explain: string;
}

const LOCALES = ['zh_cn', 'en_us', 'ja_jp'] as const;

function draftOf(status: SystemStatus | undefined, priority: number): Draft {
  return {
    title: status?.title ?? '',
    i18n_title: { zh_cn: status?.i18n_title?.zh_cn ?? '', en_us: status?.i18n_title?.en_us ?? '', ja_jp: status?.i18n_title?.ja_jp ?? '' },
    icon_key: status?.icon_key ?? 'GeneralBusinessTrip',
    color: status?.color ?? 'BLUE',
    priority: status?.priority ?? priority,
    sync_open: status?.sync_setting.is_open_by_default ?? true,
    sync_title: status?.sync_setting.title ?? '',
    sync_explain: status?.sync_setting.explain ?? '',
  };
}

/** The platform's system_status object for this draft; empty texts are left out. */
function bodyOf(draft: Draft) {
  const i18n: I18nText = {};
  for (const locale of LOCALES) if (draft.i18n_title[locale].trim()) i18n[locale] = draft.i18n_title[locale].trim();
  return {
    title: draft.title.trim(),
    ...(Object.keys(i18n).length ? { i18n_title: i18n } : {}),
    icon_key: draft.icon_key,
    color: draft.color,
    priority: draft.priority,
    sync_setting: {
      is_open_by_default: draft.sync_open,
      ...(draft.sync_title.trim() ? { title: draft.sync_title.trim() } : {}),
      ...(draft.sync_explain.trim() ? { explain: draft.sync_explain.trim() } : {}),
    },
  };
}

const FIELD_OF: Record<string, UpdateField> = {
  title: 'TITLE',
  i18n_title: 'I18N_TITLE',
  icon_key: 'ICON',
  color: 'COLOR',
  priority: 'PRIORITY',
  sync_open: 'SYNC_SETTING',
  sync_title: 'SYNC_SETTING',
  sync_explain: 'SYNC_SETTING',
};

export function StatusForm(props: { editing?: SystemStatus; onClose(): void }) {
  const { t, lang, client, statuses, reloadStatuses, toast, bump } = useConsole();
  const { editing } = props;
  const freePriority = [...Array(10).keys()].find((p) => !statuses.some((s) => s.priority === p)) ?? 0;
  const [draft, setDraft] = useState<Draft>(() => draftOf(editing, freePriority));
  const [fields, setFields] = useState<Set<UpdateField>>(new Set());
  const [failure, setFailure] = useState<PlatformFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const change = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    if (editing) setFields((current) => new Set(current).add(FIELD_OF[key]));
  };
  const toggleField = (field: UpdateField) =>
    setFields((current) => {
      const next = new Set(current);
      if (next.has(field)) next.delete(field);
      else next.add(field);
      return next;
    });

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!client) return;
    if (editing && fields.size === 0) {
      setFailure({ message: t('form.noFields') });
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const body = bodyOf(draft);
      const answer = editing
        ? await client.call<{ system_status: SystemStatus }>('PATCH', `/${editing.system_status_id}`, {
            system_status: body,
            update_fields: UPDATE_FIELDS.filter((field) => fields.has(field)),
          })
        : await client.call<{ system_status: SystemStatus }>('POST', '', body);
      bump();
      if (answer.code !== 0) {
        setFailure({ answer });
        return;
      }
      await reloadStatuses();
      toast(t(editing ? 'form.updated' : 'form.created', { title: body.title }));
      props.onClose();
    } catch (error) {
      setFailure({ message: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const preview = bodyOf(draft);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="status-form-title" onClose={props.onClose}>
      <form method="dialog" class="form" onSubmit={submit}>
        <header class="dialog-head">
          <h2 id="status-form-title">{t(editing ? 'form.editTitle' : 'form.createTitle')}</h2>
          <div class="preview" aria-label={t('form.preview')}>
            <StatusChip status={{ ...preview, title: preview.title || '…' }} lang={lang} size="lg" />
          </div>
        </header>

        <label class="field">
          <span>{t('form.title')}</span>
          <input name="title" required maxLength={20} value={draft.title} onInput={(e) => change('title', e.currentTarget.value)} />
        </label>

        <fieldset class="field-group">
          <legend>
            {t('form.i18nTitle')} <small>({t('form.optional')})</small>
          </legend>
          <div class="row3">
            {LOCALES.map((locale) => (
              <label class="field" key={locale}>
                <span>{locale}</span>
                <input
                  name={`i18n_${locale}`}
                  maxLength={20}
                  value={draft.i18n_title[locale]}
                  onInput={(e) => change('i18n_title', { ...draft.i18n_title, [locale]: e.currentTarget.value })}
                />
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset class="field-group">
          <legend>{t('form.icon')}</legend>
          <div class="icon-grid" role="radiogroup" aria-label={t('form.icon')}>
            {ICON_KEYS.map((key) => (
              <label class={`icon-option${draft.icon_key === key ? ' selected' : ''}`} key={key} title={key} style={{ color: hueOf(draft.color).text }}>
                <input type="radio" name="icon_key" value={key} checked={draft.icon_key === key} onChange={() => change('icon_key', key)} aria-label={key} />
                <StatusIcon iconKey={key} size={20} />
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset class="field-group">
          <legend>{t('form.color')}</legend>
          <div class="color-grid" role="radiogroup" aria-label={t('form.color')}>
            {COLORS.map((color) => (
              <label class={`color-option${draft.color === color ? ' selected' : ''}`} key={color} title={color}>
                <input type="radio" name="color" value={color} checked={draft.color === color} onChange={() => change('color', color)} aria-label={color} />
                <span class="swatch" style={{ background: hueOf(color).solid }} />
                <span class="color-name">{color}</span>
              </label>
            ))}
          </div>
        </fieldset>

        <label class="field field-narrow">
          <span>{t('form.priority')}</span>
          <select name="priority" value={String(draft.priority)} onChange={(e) => change('priority', Number(e.currentTarget.value))}>
            {[...Array(10).keys()].map((p) => {
              const holder = statuses.find((s) => s.priority === p && s.system_status_id !== editing?.system_status_id);
              return (
                <option value={String(p)} key={p}>
                  {p}
                  {holder ? ` — ${holder.title}` : ''}
                </option>
              );
            })}
          </select>
        </label>

        <fieldset class="field-group">
          <legend>{t('form.sync')}</legend>
          <label class="check">
            <input type="checkbox" name="sync_open" checked={draft.sync_open} onChange={(e) => change('sync_open', e.currentTarget.checked)} />
            {t('form.syncOpenByDefault')}
          </label>
          <div class="row2">
            <label class="field">
              <span>
                {t('form.syncTitle')} <small>({t('form.optional')})</small>
              </span>
              <input name="sync_title" maxLength={30} value={draft.sync_title} onInput={(e) => change('sync_title', e.currentTarget.value)} />
            </label>
            <label class="field">
              <span>
                {t('form.syncExplain')} <small>({t('form.optional')})</small>
              </span>
              <input name="sync_explain" maxLength={60} value={draft.sync_explain} onInput={(e) => change('sync_explain', e.currentTarget.value)} />
            </label>
          </div>
        </fieldset>

        {editing && (
          <fieldset class="field-group update-fields">
            <legend>{t('form.updateFields')}</legend>
            {UPDATE_FIELDS.map((field) => (
              <label class="check" key={field}>
                <input type="checkbox" name={`update_${field}`} checked={fields.has(field)} onChange={() => toggleField(field)} />
                <code>{field}</code>
              </label>
            ))}
          </fieldset>
        )}

        {failure && <PlatformErrorView failure={failure} />}

        <footer class="dialog-foot">
          <button type="button" class="btn" onClick={() => dialog.current?.close()}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy || !client}>
            {t('common.save')}
          </button>
        </footer>
      </form>
    </dialog>
  );
}
