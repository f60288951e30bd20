// Open or close a status for the selected users with the platform's own batch_open / batch_close
// (50 users per call, as the platform allows), and show each user's result.
import { useEffect, useState } from 'preact/hooks';
import type { PlatformAnswer } from './api.js';
import { StatusChip } from './chip.js';
import { useConsole } from './context.js';
import { displayTitle, type TextKey } from './i18n.js';
import { PlatformErrorView, type PlatformFailure } from './platform-error.js';

const DURATIONS: { key: TextKey; seconds: number }[] = [
  { key: 'duration.30m', seconds: 1800 },
  { key: 'duration.1h', seconds: 3600 },
  { key: 'duration.4h', seconds: 4 * 3600 },
  { key: 'duration.1d', seconds: 86400 },
  { key: 'duration.7d', seconds: 7 * 86400 },
];

const BATCH = 50;

interface ResultRow {
  user_id: string;
  result: string;
  end_time?: number | string;
}

interface Outcome {
  api: 'batch_open' | 'batch_close';
  statusId: string;
  rows: ResultRow[];
  failures: PlatformAnswer<unknown>[];
  last?: PlatformAnswer<unknown>;
}

/** A datetime-local value for a time, in the browser's zone. */
const localInput = (ms: number) => {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
};

export function BatchBar(props: { selected: Map<string, string>; onClear(): void; onDone(): void }) {
  const { t, lang, statuses, client, serverNow, bump } = useConsole();
  const [statusId, setStatusId] = useState('');
  const [duration, setDuration] = useState('3600');
  const [custom, setCustom] = useState(() => localInput(serverNow() + 3600_000));
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [failure, setFailure] = useState<PlatformFailure | null>(null);

  useEffect(() => {
    if (!statuses.some((s) => s.system_status_id === statusId)) setStatusId(statuses[0]?.system_status_id ?? '');
  }, [statuses, statusId]);

  const status = statuses.find((s) => s.system_status_id === statusId);
  const ids = [...props.selected.keys()];

  const endTime = () =>
    duration === 'custom' ? Math.floor(new Date(custom).getTime() / 1000) : Math.floor(serverNow() / 1000) + Number(duration);

  const run = async (api: 'batch_open' | 'batch_close') => {
    if (!client || !status) return setFailure({ message: t('batch.noStatus') });
    if (ids.length === 0) return setFailure({ message: t('batch.noSelection') });
    setBusy(true);
    setFailure(null);
    const result: Outcome = { api, statusId: status.system_status_id, rows: [], failures: [] };
    try {
      const end = String(endTime());
      for (let start = 0; start < ids.length; start += BATCH) {
        const chunk = ids.slice(start, start + BATCH);
        const body =
          api === 'batch_open' ? { user_list: chunk.map((user_id) => ({ user_id, end_time: end })) } : { user_list: chunk };
        const answer = await client.call<{ result_list: ResultRow[] }>('POST', `/${status.system_status_id}/${api}?user_id_type=user_id`, body);
        result.last = answer;
        if (answer.code === 0) result.rows.push(...(answer.data?.result_list ?? []));
        else result.failures.push(answer);
      }
      setOutcome(result);
    } catch (error) {
      setFailure({ message: (error as Error).message });
    } finally {
      setBusy(false);
      bump();
      props.onDone();
    }
  };

  return (
    <>
    <div class="batch-bar" role="group" aria-label={t('batch.open')}>
      <div class="batch-controls">
        <span class="selected-count" aria-live="polite">
          {t('users.selected', { n: ids.length })}
        </span>
        {ids.length > 0 && (
          <button type="button" class="btn btn-small btn-link" onClick={props.onClear}>
            {t('users.clearSelection')}
          </button>
        )}
        <label class="inline">
          {t('batch.status')}{' '}
          <select name="batch-status" value={statusId} onChange={(e) => setStatusId(e.currentTarget.value)}>
            {[...statuses]
              .sort((a, b) => a.priority - b.priority)
              .map((s) => (
                <option key={s.system_status_id} value={s.system_status_id}>
                  {displayTitle(s, lang)} (P{s.priority})
                </option>
              ))}
          </select>
        </label>
        <label class="inline">
          {t('batch.for')}{' '}
          <select name="batch-duration" value={duration} onChange={(e) => setDuration(e.currentTarget.value)}>
            {DURATIONS.map((d) => (
              <option key={d.key} value={String(d.seconds)}>
                {t(d.key)}
              </option>
            ))}
            <option value="custom">{t('duration.custom')}</option>
          </select>
        </label>
        {duration === 'custom' && (
          <label class="inline">
            {t('batch.until')}{' '}
            <input type="datetime-local" value={custom} onInput={(e) => setCustom(e.currentTarget.value)} />
          </label>
        )}
        <button type="button" class="btn btn-primary" disabled={busy || !client} onClick={() => void run('batch_open')}>
          {t('batch.open')}
        </button>
        <button type="button" class="btn" disabled={busy || !client} onClick={() => void run('batch_close')}>
          {t('batch.close')}
        </button>
      </div>
      {failure && <PlatformErrorView failure={failure} />}
    </div>
    {outcome && <Results outcome={outcome} names={props.selected} onClose={() => setOutcome(null)} />}
    </>
  );
}

function Results({ outcome, names, onClose }: { outcome: Outcome; names: Map<string, string>; onClose(): void }) {
  const { t, lang, statuses } = useConsole();
  const status = statuses.find((s) => s.system_status_id === outcome.statusId);
  const last = outcome.last;
  return (
    <div class="results" aria-live="polite" data-api={outcome.api}>
      <div class="results-head">
        <h3>
          {t('batch.results')}: {status ? <StatusChip status={status} lang={lang} size="sm" /> : outcome.statusId}{' '}
          <code>{outcome.api}</code>
          {last && (
            <small class="muted">
              {' '}
              HTTP {last.status} · code {last.code}
              {last.log_id ? ` · log_id ${last.log_id}` : ''}
            </small>
          )}
        </h3>
        <button type="button" class="btn btn-small" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      {outcome.failures.map((answer, i) => (
        <PlatformErrorView key={i} failure={{ answer }} />
      ))}
      {outcome.rows.length > 0 && (
        <table class="results-table">
          <thead>
            <tr>
              <th>{t('batch.user')}</th>
              <th>{t('batch.result')}</th>
              {outcome.api === 'batch_open' && <th>end_time</th>}
            </tr>
          </thead>
          <tbody>
            {outcome.rows.map((row, i) => (
              <tr key={`${row.user_id}-${i}`} data-result={row.result}>
                <td>
                  {names.get(row.user_id) ?? ''} <code class="id">{row.user_id}</code>
                </td>
                <td>
                  <span class={`badge ${row.result.startsWith('success') ? 'badge-ok' : 'badge-bad'}`}>
                    <code>{row.result}</code>
                  </span>{' '}
                  <span class="muted">{t(`result.${row.result}` as TextKey)}</span>
                </td>
                {outcome.api === 'batch_open' && <td>{String(row.end_time ?? '')}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
