// The tenant's users, a page at a time: what each one's client shows now, with a live countdown,
// every open status beneath it, and selection for batch_open / batch_close.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { control, type ConsoleUser } from './api.js';
import { BatchBar } from './batch-bar.js';
import { StatusChip } from './chip.js';
import { useConsole, useNow } from './context.js';
import { EventFeed } from './event-feed.js';
import { formatRemaining, formatTime } from './i18n.js';

const PAGE_SIZES = [20, 50, 100, 200];

export function UsersView() {
  const { t, tenantKey, version } = useConsole();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [pageSize, setPageSize] = useState(50);
  /** Tokens of the pages before the current one; the last is the current page's token. */
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<{ users: ConsoleUser[]; has_more: boolean; page_token?: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Map<string, string>>(new Map());
  const [reloadTick, setReloadTick] = useState(0);
  const lastLoad = useRef(0);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(q.trim()), 250);
    return () => clearTimeout(timer);
  }, [q]);
  useEffect(() => setTokens([undefined]), [query, pageSize, tenantKey]);
  useEffect(() => setSelected(new Map()), [tenantKey]);

  const pageToken = tokens[tokens.length - 1];
  useEffect(() => {
    let stale = false;
    lastLoad.current = Date.now();
    control
      .users(tenantKey, { q: query, page_size: pageSize, page_token: pageToken })
      .then((answer) => {
        if (!stale) {
          setPage(answer);
          setError(null);
        }
      })
      .catch((failure: Error) => !stale && setError(failure.message));
    return () => {
      stale = true;
    };
  }, [tenantKey, query, pageSize, pageToken, version, reloadTick]);

  const reload = useCallback(() => setReloadTick((n) => n + 1), []);

  const users = page?.users ?? [];
  const allOnPage = users.length > 0 && users.every((user) => selected.has(user.user_id));
  const toggle = (user: ConsoleUser) =>
    setSelected((current) => {
      const next = new Map(current);
      if (next.has(user.user_id)) next.delete(user.user_id);
      else next.set(user.user_id, user.name);
      return next;
    });
  const toggleAll = () =>
    setSelected((current) => {
      const next = new Map(current);
      for (const user of users) {
        if (allOnPage) next.delete(user.user_id);
        else next.set(user.user_id, user.name);
      }
      return next;
    });

  return (
    <section aria-labelledby="users-heading" class="users-layout">
      <div class="users-main">
        <div class="section-head">
          <h2 id="users-heading">{t('users.heading')}</h2>
          <div class="toolbar">
            <input
              type="search"
              class="search"
              placeholder={t('users.search')}
              aria-label={t('users.search')}
              value={q}
              onInput={(e) => setQ(e.currentTarget.value)}
            />
            <label class="inline">
              {t('users.pageSize')}{' '}
              <select value={String(pageSize)} onChange={(e) => setPageSize(Number(e.currentTarget.value))}>
                {PAGE_SIZES.map((size) => (
                  <option key={size} value={String(size)}>
                    {size}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" class="btn" onClick={reload}>
              {t('common.refresh')}
            </button>
          </div>
        </div>

        <BatchBar selected={selected} onClear={() => setSelected(new Map())} onDone={reload} />

        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="table-wrap">
          <table class="users-table">
            <thead>
              <tr>
                <th class="col-check">
                  <input type="checkbox" checked={allOnPage} onChange={toggleAll} aria-label={t('users.selectAll')} />
                </th>
                <th>{t('users.name')}</th>
                <th>{t('users.shown')}</th>
                <th>{t('users.endsAt')}</th>
                <th>{t('users.remaining')}</th>
                <th>{t('users.open')}</th>
              </tr>
            </thead>
            <tbody>
              {page === null && (
                <tr>
                  <td colSpan={6} class="empty">
                    {t('common.loading')}
                  </td>
                </tr>
              )}
              {page !== null && users.length === 0 && (
                <tr>
                  <td colSpan={6} class="empty">
                    {t('users.empty')}
                  </td>
                </tr>
              )}
              {users.map((user) => (
                <UserRow key={user.user_id} user={user} checked={selected.has(user.user_id)} onToggle={() => toggle(user)} onExpired={reload} />
              ))}
            </tbody>
          </table>
        </div>
        <nav class="pager" aria-label="pagination">
          <button type="button" class="btn" disabled={tokens.length <= 1} onClick={() => setTokens((list) => list.slice(0, -1))}>
            ← {t('users.prev')}
          </button>
          <span>{t('users.page', { n: tokens.length })}</span>
          <button
            type="button"
            class="btn"
            disabled={!page?.has_more || !page.page_token}
            onClick={() => page?.page_token && setTokens((list) => [...list, page.page_token])}
          >
            {t('users.next')} →
          </button>
        </nav>
      </div>
      <EventFeed />
    </section>
  );
}

function UserRow(props: { user: ConsoleUser; checked: boolean; onToggle(): void; onExpired(): void }) {
  const { t, lang } = useConsole();
  const now = useNow();
  const { user } = props;
  const shown = user.shown;
  const remaining = shown ? shown.end_time * 1000 - now : 0;
  const anyEnded = user.open.some((open) => open.end_time * 1000 <= now);
  const { onExpired } = props;
  // When something this row shows has ended by the server's clock, fetch what the client shows now.
  useEffect(() => {
    if (anyEnded) onExpired();
  }, [anyEnded, onExpired]);

  return (
    <tr class={`${user.resigned ? 'resigned' : ''}${props.checked ? ' selected' : ''}`} data-user-id={user.user_id}>
      <td class="col-check">
        <input type="checkbox" checked={props.checked} onChange={props.onToggle} aria-label={t('users.selectUser', { name: user.name })} />
      </td>
      <td class="col-user">
        <span class="user-name">{user.name}</span> <code class="id">{user.user_id}</code>
        {user.resigned && <span class="badge badge-resigned">{t('users.resigned')}</span>}
      </td>
      <td class="col-shown">{shown ? <StatusChip status={shown} lang={lang} /> : <span class="muted">{t('users.nothingShown')}</span>}</td>
      <td class="col-end">{shown ? formatTime(shown.end_time * 1000, lang) : ''}</td>
      <td class="col-remaining">{shown ? <span class="countdown">{formatRemaining(remaining, lang)}</span> : ''}</td>
      <td class="col-open">
        <ul class="open-list">
          {user.open.map((open) => (
            <li key={open.system_status_id} class={shown?.system_status_id === open.system_status_id ? 'is-shown' : ''}>
              <StatusChip status={open} lang={lang} size="sm" />
              <span class="muted">
                P{open.priority} · {formatTime(open.end_time * 1000, lang)}
                {!open.sync_on && ` · ${t('users.syncOff')}`}
              </span>
            </li>
          ))}
        </ul>
      </td>
    </tr>
  );
}
