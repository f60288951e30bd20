// The console's root: tenant, acting app, language, clock and the live event stream, then one
// view per tab.
import './styles.css';
import { render } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { adminToken, control, ControlError, PlatformClient, type AppInfo, type ClockState, type SystemStatus, type Tenant } from './api.js';
import { AppsView } from './apps-view.js';
import { Ctx, EVENT_TYPES, useConsole, type ConsoleContext, type LiveEvent, type ToastKind } from './context.js';
import { EmulatorView } from './emulator-view.js';
import { followEvents } from './event-stream.js';
import { formatTime, initialLang, translator, type Lang, type TextKey } from './i18n.js';
import { JournalView } from './journal-view.js';
import { StatusesView } from './statuses-view.js';
import { UsersView } from './users-view.js';

const TABS = ['statuses', 'users', 'journal', 'emulator', 'apps'] as const;
type Tab = (typeof TABS)[number];

const tabFromHash = (): Tab => {
  const name = location.hash.replace(/^#\/?/, '');
  return (TABS as readonly string[]).includes(name) ? (name as Tab) : 'statuses';
};

function Console() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const t = useMemo(() => translator(lang), [lang]);
  const [tenants, setTenants] = useState<Tenant[] | null>(null);
  const [tenantKey, setTenantKey] = useState('');
  const [apps, setApps] = useState<AppInfo[]>([]);
  const [appId, setAppId] = useState('');
  const [statuses, setStatuses] = useState<SystemStatus[]>([]);
  const [clock, setClock] = useState<ClockState | null>(null);
  const clockAt = useRef<{ clock: ClockState | null; perf: number }>({ clock: null, perf: 0 });
  const [version, setVersion] = useState(0);
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [live, setLive] = useState(false);
  const [toasts, setToasts] = useState<{ id: number; message: string; kind: ToastKind }[]>([]);
  const [tab, setTab] = useState<Tab>(tabFromHash);
  const [fatal, setFatal] = useState<string | null>(null);
  const [needsAdmin, setNeedsAdmin] = useState(false);
  const [emulatorMode, setEmulatorMode] = useState(false);

  // Before paint, in the same task as the text it describes: no moment shows English text marked zh-CN.
  useLayoutEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('app.title');
    localStorage.setItem('sysstatus.lang', lang);
  }, [lang, t]);

  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const toast = useCallback((message: string, kind: ToastKind = 'info') => {
    const id = Date.now() + Math.random();
    setToasts((list) => [...list, { id, message, kind }]);
    setTimeout(() => setToasts((list) => list.filter((item) => item.id !== id)), kind === 'error' ? 8000 : 4000);
  }, []);

  useEffect(() => {
    control
      .info()
      .then((info) => setEmulatorMode(info.mode !== 'production'))
      .catch(() => setEmulatorMode(false));
  }, []);

  // Tenants: the one named in ?tenant=, else the first (the demo tenant after `npm start`).
  useEffect(() => {
    control
      .tenants()
      .then(({ tenants: list }) => {
        setTenants(list);
        const wanted = new URLSearchParams(location.search).get('tenant');
        setTenantKey(list.find((tenant) => tenant.tenant_key === wanted)?.tenant_key ?? list[0]?.tenant_key ?? '');
      })
      .catch((error: Error) => {
        if (error instanceof ControlError && error.status === 401) setNeedsAdmin(true);
        else setFatal(error.message);
      });
  }, []);

  const reloadStatuses = useCallback(async () => {
    if (!tenantKey) return;
    const { items } = await control.statuses(tenantKey);
    setStatuses(items);
  }, [tenantKey]);

  const reloadClock = useCallback(async () => {
    try {
      const state = await control.clock();
      clockAt.current = { clock: state, perf: performance.now() };
      setClock(state);
    } catch {
      clockAt.current = { clock: null, perf: 0 };
      setClock(null);
    }
  }, []);

  const serverNow = useCallback(() => {
    const { clock: state, perf } = clockAt.current;
    if (!state) return Date.now();
    return state.frozen ? state.now : state.now + (performance.now() - perf);
  }, []);

  useEffect(() => {
    if (!tenantKey) return;
    const url = new URL(location.href);
    url.searchParams.set('tenant', tenantKey);
    history.replaceState(null, '', url);
    setStatuses([]);
    setEvents([]);
    control
      .apps(tenantKey)
      .then(({ apps: list }) => {
        setApps(list);
        const preferred = list.find((app) => app.type === 'custom' && app.scopes.length > 0) ?? list[0];
        setAppId(preferred?.app_id ?? '');
      })
      .catch((error: Error) => toast(error.message, 'error'));
    reloadStatuses().catch((error: Error) => toast(error.message, 'error'));
    void reloadClock();
  }, [tenantKey, reloadStatuses, reloadClock, toast]);

  // Keep the clock and the statuses fresh (another client may change them) while the page is seen.
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      void reloadClock();
      reloadStatuses().catch(() => undefined);
    }, 5000);
    return () => clearInterval(timer);
  }, [reloadClock, reloadStatuses]);

  // The live event stream: every change of users' statuses, as it happens.
  const bumpTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const bump = useCallback(() => {
    clearTimeout(bumpTimer.current);
    bumpTimer.current = setTimeout(() => setVersion((n) => n + 1), 100);
  }, []);
  useEffect(() => {
    if (!tenantKey) return;
    let seq = 0;
    const stop = followEvents(control.eventsUrl(tenantKey), {
      onState: setLive,
      onMessage(message) {
        if (!(EVENT_TYPES as readonly string[]).includes(message.type)) return;
        let data: { system_status_id?: string; user_id?: string; user_ids?: string[]; at?: number } = {};
        try {
          data = JSON.parse(message.data);
        } catch {
          return;
        }
        const event: LiveEvent = {
          seq: ++seq,
          type: message.type as LiveEvent['type'],
          system_status_id: data.system_status_id,
          user_ids: data.user_ids ?? (data.user_id ? [data.user_id] : []),
          at: typeof data.at === 'number' ? (data.at < 1e11 ? data.at * 1000 : data.at) : Date.now(),
        };
        setEvents((list) => [event, ...list].slice(0, 200));
        bump();
      },
    });
    return () => {
      stop();
      setLive(false);
    };
  }, [tenantKey, bump]);

  const app = apps.find((candidate) => candidate.app_id === appId);
  const client = useMemo(() => (app ? new PlatformClient(app) : undefined), [app]);

  const context: ConsoleContext = {
    lang,
    t,
    tenantKey,
    apps,
    client,
    statuses,
    reloadStatuses,
    clock,
    emulatorMode,
    reloadClock,
    serverNow,
    version,
    bump,
    toast,
    events,
    live,
  };

  const selectTab = (next: Tab, focus = false) => {
    history.replaceState(null, '', `${location.pathname}${location.search}#${next}`);
    setTab(next);
    if (focus) document.getElementById(`tab-${next}`)?.focus();
  };
  const onTabKey = (event: KeyboardEvent) => {
    const index = TABS.indexOf(tab);
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: TABS.length - 1 - index };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    selectTab(TABS[(index + move + TABS.length) % TABS.length], true);
  };

  if (needsAdmin) return <AdminTokenForm t={t} />;
  if (fatal) return <p class="error">{fatal}</p>;
  const tenant = tenants?.find((candidate) => candidate.tenant_key === tenantKey);
  return (
    <Ctx.Provider value={context}>
      <a class="skip" href="#main">
        {t('app.title')}
      </a>
      <header class="top">
        <div class="brand">
          <h1>{t('app.title')}</h1>
          <span class="muted tagline">{t('app.tagline')}</span>
        </div>
        <div class="top-controls">
          <label class="inline">
            {t('tenant.label')}{' '}
            <select name="tenant" value={tenantKey} onChange={(e) => setTenantKey(e.currentTarget.value)}>
              {tenants?.map((item) => (
                <option key={item.tenant_key} value={item.tenant_key}>
                  {item.name} ({item.tenant_key})
                </option>
              ))}
            </select>
          </label>
          <label class="inline">
            {t('actingApp.label')}{' '}
            <select name="acting-app" value={appId} onChange={(e) => setAppId(e.currentTarget.value)}>
              {apps.map((item) => (
                <option key={item.app_id} value={item.app_id}>
                  {item.name} ({item.app_id})
                </option>
              ))}
            </select>
          </label>
          {clock && <ClockBadge />}
          <span class={`live ${live ? 'on' : 'off'}`} role="status">
            <span class={`live-dot ${live ? 'on' : 'off'}`} aria-hidden="true" />
            {t(live ? 'live.on' : 'live.off')}
          </span>
          <button type="button" class="btn lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} aria-label={t('lang.switchLabel')}>
            {t('lang.switch')}
          </button>
        </div>
      </header>
      {tenant && !tenant.api_permission && <p class="warning">2005007 Tenant does not have permission to api.</p>}
      <nav class="tabs" role="tablist" aria-label={t('app.title')} onKeyDown={onTabKey}>
        {TABS.map((name) => (
          <button
            key={name}
            id={`tab-${name}`}
            type="button"
            role="tab"
            class="tab"
            aria-selected={tab === name}
            aria-controls="main"
            tabIndex={tab === name ? 0 : -1}
            onClick={() => selectTab(name)}
          >
            {t(`tab.${name}` as TextKey)}
          </button>
        ))}
      </nav>
      <main id="main" role="tabpanel" aria-labelledby={`tab-${tab}`} tabIndex={-1}>
        {tenantKey &&
          (tab === 'statuses' ? (
            <StatusesView />
          ) : tab === 'users' ? (
            <UsersView />
          ) : tab === 'journal' ? (
            <JournalView />
          ) : tab === 'emulator' ? (
            <EmulatorView />
          ) : (
            <AppsView />
          ))}
      </main>
      <div class="toasts" aria-live="polite">
        {toasts.map((item) => (
          <div key={item.id} class={`toast toast-${item.kind}`} role={item.kind === 'error' ? 'alert' : 'status'}>
            {item.message}
          </div>
        ))}
      </div>
    </Ctx.Provider>
  );
}

function AdminTokenForm({ t }: { t: ConsoleContext['t'] }) {
  const [token, setToken] = useState('');
  return (
    <form
      class="card admin-form"
      onSubmit={(event) => {
        event.preventDefault();
        adminToken.set(token.trim());
        location.reload();
      }}
    >
      <h1>{t('admin.heading')}</h1>
      <p class="muted">{t('admin.explain')}</p>
      <label class="field">
        <span>{t('admin.token')}</span>
        <input type="password" autoComplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
      </label>
      <button type="submit" class="btn btn-primary">
        {t('admin.submit')}
      </button>
    </form>
  );
}

function ClockBadge() {
  const { t, lang, clock, serverNow } = useConsole();
  const [now, setNow] = useState(serverNow());
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), 1000);
    setNow(serverNow());
    return () => clearInterval(timer);
  }, [serverNow, clock]);
  if (!clock) return null;
  return (
    <a class={`clock-badge ${clock.frozen ? 'frozen' : ''}`} href="#emulator" title={t(clock.frozen ? 'clock.frozen' : 'clock.running')}>
      {clock.frozen ? '❄ ' : '⏱ '}
      <time data-testid="header-clock">{formatTime(now, lang)}</time>
    </a>
  );
}


const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<Console />, root);
}
