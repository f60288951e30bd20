// Recent platform calls: API, app, HTTP status, code, latency; filters; one call in full.
import { useEffect, useState } from 'preact/hooks';
import { control, ControlError, type JournalEntry } from './api.js';
import { useConsole } from './context.js';
import { formatTime } from './i18n.js';

export const API_IDS = ['create', 'delete', 'patch', 'list', 'batch_open', 'batch_close', 'tenant_access_token', 'app_access_token'];

export function JournalView() {
  const { t, lang, apps, version } = useConsole();
  const [api, setApi] = useState('');
  const [appId, setAppId] = useState('');
  const [code, setCode] = useState('');
  const [limit, setLimit] = useState(100);
  const [entries, setEntries] = useState<JournalEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<JournalEntry | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let stale = false;
    control
      .journal({ api, app_id: appId, code: /^-?\d+$/.test(code.trim()) ? code.trim() : undefined, limit })
      .then((answer) => {
        if (stale) return;
        setEntries(answer.entries);
        setError(null);
      })
      .catch((failure: Error) => {
        if (!stale) setError(failure instanceof ControlError && failure.status === 404 ? t('journal.unavailable') : failure.message);
      });
    return () => {
      stale = true;
    };
  }, [api, appId, code, limit, version, tick]);

  // Calls made by other clients do not come through the event stream: look again every few seconds.
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && setTick((n) => n + 1), 3000);
    return () => clearInterval(timer);
  }, []);

  return (
    <section aria-labelledby="journal-heading" class="journal-layout">
      <div class="journal-main">
        <div class="section-head">
          <h2 id="journal-heading">{t('journal.heading')}</h2>
          <div class="toolbar">
            <label class="inline">
              {t('journal.api')}{' '}
              <select name="journal-api" value={api} onChange={(e) => setApi(e.currentTarget.value)}>
                <option value="">{t('common.all')}</option>
                {API_IDS.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </select>
            </label>
            <label class="inline">
              {t('journal.app')}{' '}
              <select name="journal-app" value={appId} onChange={(e) => setAppId(e.currentTarget.value)}>
                <option value="">{t('common.all')}</option>
                {apps.map((app) => (
                  <option key={app.app_id} value={app.app_id}>
                    {app.app_id}
                  </option>
                ))}
              </select>
            </label>
            <label class="inline">
              {t('journal.code')}{' '}
              <input name="journal-code" class="narrow" inputMode="numeric" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
            </label>
            <label class="inline">
              {t('journal.limit')}{' '}
              <select value={String(limit)} onChange={(e) => setLimit(Number(e.currentTarget.value))}>
                {[50, 100, 500].map((n) => (
                  <option key={n} value={String(n)}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" class="btn" onClick={() => setTick((n) => n + 1)}>
              {t('common.refresh')}
            </button>
          </div>
        </div>
        {error && <p class="error">{error}</p>}
        <div class="table-wrap">
          <table class="journal-table">
            <thead>
              <tr>
                <th>{t('journal.time')}</th>
                <th>{t('journal.api')}</th>
                <th>{t('journal.app')}</th>
                <th>{t('journal.status')}</th>
                <th>{t('journal.code')}</th>
                <th>{t('journal.latency')}</th>
              </tr>
            </thead>
            <tbody>
              {entries?.length === 0 && (
                <tr>
                  <td colSpan={6} class="empty">
                    {t('journal.empty')}
                  </td>
                </tr>
              )}
              {entries?.map((entry) => (
                <tr key={entry.id} class={picked?.id === entry.id ? 'selected' : ''} data-api={entry.api}>
                  <td>
                    <button type="button" class="link" onClick={() => setPicked(entry)} aria-pressed={picked?.id === entry.id}>
                      {formatTime(entry.time, lang)}
                    </button>
                  </td>
                  <td>
                    <code>{entry.api}</code>
                  </td>
                  <td>
                    <code class="id">{entry.app_id ?? ''}</code>
                  </td>
                  <td>
                    <span class={`badge ${entry.status < 300 ? 'badge-ok' : 'badge-bad'}`}>{entry.status}</span>
                  </td>
                  <td>{entry.code ?? ''}</td>
                  <td>{entry.latency_ms} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <aside class="journal-detail" aria-live="polite">
        {picked ? (
          <>
            <div class="section-head">
              <h3>
                <code>
                  {picked.method} {picked.path}
                </code>
              </h3>
              <button type="button" class="btn btn-small" onClick={() => setPicked(null)}>
                {t('common.close')}
              </button>
            </div>
            <p class="muted">
              log_id <code>{picked.log_id}</code> · {picked.tenant_key ?? ''}
            </p>
            <h4>{t('journal.request')}</h4>
            <pre class="json">{pretty(picked.request)}</pre>
            <h4>{t('journal.response')}</h4>
            <pre class="json">{pretty(picked.response)}</pre>
          </>
        ) : (
          <p class="muted">{t('journal.pick')}</p>
        )}
      </aside>
    </section>
  );
}

const pretty = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));
