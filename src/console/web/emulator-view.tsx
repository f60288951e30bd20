// Emulator mode: the server's clock and the fault rules, visible and editable.
import { useEffect, useState } from 'preact/hooks';
import { control, type FaultRule, type JournalApiId } from './api.js';
import { useConsole, useNow } from './context.js';
import { formatDuration, formatTime } from './i18n.js';
import { API_IDS } from './journal-view.js';

const MINUTE = 60_000;

const localInput = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * MINUTE).toISOString().slice(0, 19);

export function EmulatorView() {
  const { t, clock, emulatorMode } = useConsole();
  if (!clock) return <p class="empty">{t('clock.unavailable')}</p>;
  return (
    <>
      {!emulatorMode && <p class="warning">{t('clock.production')}</p>}
      <div class="emulator-layout">
        <ClockCard />
        {emulatorMode && <FaultsCard />}
      </div>
    </>
  );
}

function ClockCard() {
  const { t, lang, clock, emulatorMode, reloadClock, bump, toast } = useConsole();
  const now = useNow();
  const [at, setAt] = useState(() => localInput(now));
  // After each change of the clock, offer its new time as the one to set.
  useEffect(() => setAt(localInput(now)), [clock?.now, clock?.frozen]);

  const act = async (body: Parameters<typeof control.setClock>[0]) => {
    try {
      await control.setClock(body);
      await reloadClock();
      bump();
    } catch (error) {
      toast((error as Error).message, 'error');
    }
  };
  if (!clock) return null;
  return (
    <section class="card" aria-labelledby="clock-heading">
      <h2 id="clock-heading">{t('clock.heading')}</h2>
      <p class="clock-now">
        <time data-testid="clock-now">{formatTime(now, lang)}</time>{' '}
        <span class={`badge ${clock.frozen ? 'badge-off' : 'badge-ok'}`}>{t(clock.frozen ? 'clock.frozen' : 'clock.running')}</span>
      </p>
      <p class="muted">{t('clock.offset', { offset: formatDuration(clock.offset_ms, lang) })}</p>
      {emulatorMode && (
      <>
      <div class="button-row">
        {clock.frozen ? (
          <button type="button" class="btn" onClick={() => void act({ action: 'unfreeze' })}>
            ▶ {t('clock.unfreeze')}
          </button>
        ) : (
          <button type="button" class="btn" onClick={() => void act({ action: 'freeze' })}>
            ❚❚ {t('clock.freeze')}
          </button>
        )}
        <button type="button" class="btn" onClick={() => void act({ action: 'advance', ms: MINUTE })}>
          {t('clock.plusMinute')}
        </button>
        <button type="button" class="btn" onClick={() => void act({ action: 'advance', ms: 60 * MINUTE })}>
          {t('clock.plusHour')}
        </button>
        <button type="button" class="btn" onClick={() => void act({ action: 'advance', ms: 24 * 60 * MINUTE })}>
          {t('clock.plusDay')}
        </button>
      </div>
      <form
        class="button-row"
        onSubmit={(event) => {
          event.preventDefault();
          const ms = new Date(at).getTime();
          if (Number.isFinite(ms)) void act({ action: 'set', at: ms });
        }}
      >
        <label class="inline">
          {t('clock.setTo')} <input type="datetime-local" step="1" value={at} onInput={(e) => setAt(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn">
          {t('clock.set')}
        </button>
        <button type="button" class="btn btn-link" onClick={() => void act({ action: 'reset' })}>
          {t('clock.reset')}
        </button>
      </form>
      </>
      )}
    </section>
  );
}

function FaultsCard() {
  const { t, apps, toast } = useConsole();
  const [rules, setRules] = useState<FaultRule[]>([]);
  const [api, setApi] = useState<JournalApiId>('batch_open');
  const [appId, setAppId] = useState('');
  const [times, setTimes] = useState('1');
  const [status, setStatus] = useState('429');
  const [code, setCode] = useState('99991400');
  const [msg, setMsg] = useState('request trigger frequency limit');
  const [delay, setDelay] = useState('');

  const load = () =>
    control
      .faults()
      .then((answer) => setRules(answer.rules))
      .catch((error: Error) => toast(error.message, 'error'));
  useEffect(() => void load(), []);

  const add = async (event: Event) => {
    event.preventDefault();
    try {
      await control.addFault({
        api,
        ...(appId ? { app_id: appId } : {}),
        ...(times.trim() ? { times: Number(times) } : {}),
        ...(status.trim() ? { response: { status: Number(status), code: Number(code), msg } } : {}),
        ...(delay.trim() ? { delay_ms: Number(delay) } : {}),
      });
    } catch (error) {
      toast((error as Error).message, 'error');
    }
    await load();
  };
  const remove = async (id?: string) => {
    try {
      await control.deleteFault(id);
    } catch (error) {
      toast((error as Error).message, 'error');
    }
    await load();
  };

  return (
    <section class="card" aria-labelledby="faults-heading">
      <div class="section-head">
        <h2 id="faults-heading">{t('faults.heading')}</h2>
        {rules.length > 0 && (
          <button type="button" class="btn btn-small btn-danger" onClick={() => void remove()}>
            {t('faults.clear')}
          </button>
        )}
      </div>
      {rules.length === 0 ? (
        <p class="muted">{t('faults.empty')}</p>
      ) : (
        <ul class="fault-list">
          {rules.map((rule) => (
            <li key={rule.id} class="fault" data-fault-id={rule.id} data-remaining={rule.remaining ?? ''}>
              <code>{rule.api}</code> {rule.app_id ? <code class="id">{rule.app_id}</code> : <span class="muted">{t('faults.anyApp')}</span>}{' '}
              {rule.response && (
                <span>
                  → HTTP {rule.response.status}, code {rule.response.code} “{rule.response.msg}”
                </span>
              )}
              {rule.delay_ms ? <span> +{rule.delay_ms} ms</span> : null}{' '}
              <span class="muted">
                {rule.times === undefined || rule.times === null ? t('faults.always') : t('faults.remaining', { n: rule.remaining ?? rule.times })}
                {rule.fired ? ` · ${t('faults.fired', { n: rule.fired })}` : ''}
              </span>
              <button type="button" class="btn btn-small" onClick={() => void remove(rule.id)} aria-label={`${t('common.delete')} ${rule.api}`}>
                {t('common.delete')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="fault-form" onSubmit={add}>
        <label class="field">
          <span>API</span>
          <select value={api} onChange={(e) => setApi(e.currentTarget.value as JournalApiId)}>
            {API_IDS.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t('journal.app')}</span>
          <select value={appId} onChange={(e) => setAppId(e.currentTarget.value)}>
            <option value="">{t('faults.anyApp')}</option>
            {apps.map((app) => (
              <option key={app.app_id} value={app.app_id}>
                {app.app_id}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>
            {t('faults.times')} <small>({t('faults.timesHint')})</small>
          </span>
          <input inputMode="numeric" value={times} onInput={(e) => setTimes(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('faults.httpStatus')}</span>
          <input inputMode="numeric" value={status} onInput={(e) => setStatus(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('faults.code')}</span>
          <input inputMode="numeric" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('faults.msg')}</span>
          <input value={msg} onInput={(e) => setMsg(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('faults.delay')}</span>
          <input inputMode="numeric" value={delay} onInput={(e) => setDelay(e.currentTarget.value)} />
        </label>
        <div class="field field-submit">
          <button type="submit" class="btn btn-primary">
            {t('faults.add')}
          </button>
        </div>
      </form>
    </section>
  );
}
