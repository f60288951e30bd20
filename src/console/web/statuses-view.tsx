// The tenant's system statuses, drawn as the Feishu client draws them, with their settings.
import { useState } from 'preact/hooks';
import type { SystemStatus } from './api.js';
import { StatusChip } from './chip.js';
import { useConsole } from './context.js';
import { PlatformErrorView, type PlatformFailure } from './platform-error.js';
import { StatusForm } from './status-form.js';

export function StatusesView() {
  const { t, lang, statuses, client, reloadStatuses, toast, bump } = useConsole();
  const [form, setForm] = useState<{ editing?: SystemStatus } | null>(null);
  const [failure, setFailure] = useState<PlatformFailure | null>(null);

  const remove = async (status: SystemStatus) => {
    if (!client || !confirm(t('statuses.confirmDelete', { title: status.title }))) return;
    setFailure(null);
    const answer = await client.call('DELETE', `/${status.system_status_id}`);
    bump();
    if (answer.code !== 0) return setFailure({ answer });
    await reloadStatuses();
    toast(t('statuses.deleted', { title: status.title }));
  };

  const sorted = [...statuses].sort((a, b) => a.priority - b.priority);
  return (
    <section aria-labelledby="statuses-heading">
      <div class="section-head">
        <h2 id="statuses-heading">
          {t('statuses.heading')} <span class="muted">{t('statuses.count', { n: statuses.length })}</span>
        </h2>
        <button type="button" class="btn btn-primary" onClick={() => setForm({})} disabled={!client}>
          + {t('statuses.new')}
        </button>
      </div>
      <p class="muted">{t('statuses.hint')}</p>
      {failure && <PlatformErrorView failure={failure} />}
      {sorted.length === 0 ? (
        <p class="empty">{t('statuses.empty')}</p>
      ) : (
        <ul class="status-list" aria-label={t('statuses.heading')}>
          {sorted.map((status) => (
            <li class="status-card" key={status.system_status_id} data-status-id={status.system_status_id}>
              <div class="status-card-head">
                <StatusChip status={status} lang={lang} size="lg" />
                <span class="priority" title={t('statuses.priority')}>
                  P{status.priority}
                </span>
              </div>
              <dl class="facts">
                <dt>{t('form.title')}</dt>
                <dd>{status.title}</dd>
                {status.i18n_title && Object.keys(status.i18n_title).length > 0 && (
                  <>
                    <dt>{t('form.i18nTitle')}</dt>
                    <dd class="i18n-list">
                      {Object.entries(status.i18n_title).map(([locale, text]) => (
                        <span key={locale}>
                          <code>{locale}</code> {text}
                        </span>
                      ))}
                    </dd>
                  </>
                )}
                <dt>{t('statuses.priority')}</dt>
                <dd>{status.priority}</dd>
                <dt>{t('statuses.sync')}</dt>
                <dd>
                  <span class={`badge ${status.sync_setting.is_open_by_default ? 'badge-ok' : 'badge-off'}`}>
                    {t(status.sync_setting.is_open_by_default ? 'statuses.syncDefaultOn' : 'statuses.syncDefaultOff')}
                  </span>{' '}
                  {displaySync(status, lang)}
                </dd>
                <dt>{t('statuses.id')}</dt>
                <dd>
                  <code class="id">{status.system_status_id}</code>
                </dd>
              </dl>
              <div class="card-actions">
                <button type="button" class="btn btn-small" onClick={() => setForm({ editing: status })} disabled={!client}>
                  {t('common.edit')}
                </button>
                <button type="button" class="btn btn-small btn-danger" onClick={() => void remove(status)} disabled={!client}>
                  {t('common.delete')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {form && <StatusForm editing={form.editing} onClose={() => setForm(null)} />}
    </section>
  );
}

function displaySync(status: SystemStatus, lang: 'zh' | 'en'): string {
  const sync = status.sync_setting;
  const title = (lang === 'zh' ? sync.i18n_title?.zh_cn : sync.i18n_title?.en_us) || sync.title;
  const explain = (lang === 'zh' ? sync.i18n_explain?.zh_cn : sync.i18n_explain?.en_us) || sync.explain;
  return `${title} · ${explain}`;
}
