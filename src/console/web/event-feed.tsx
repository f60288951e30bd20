import { StatusChip } from './chip.js';
import { useConsole } from './context.js';
import { formatTime } from './i18n.js';

/** The tenant's event stream as it arrives. */
export function EventFeed() {
  const { t, lang, events, statuses, live } = useConsole();
  return (
    <aside class="event-feed" aria-labelledby="events-heading">
      <h2 id="events-heading">
        {t('events.heading')} <span class={`live-dot ${live ? 'on' : 'off'}`} aria-label={t(live ? 'live.on' : 'live.off')} />
      </h2>
      {events.length === 0 ? (
        <p class="muted">{t('events.empty')}</p>
      ) : (
        <ol class="events" aria-live="polite">
          {events.slice(0, 40).map((event) => {
            const status = statuses.find((s) => s.system_status_id === event.system_status_id);
            return (
              <li key={event.seq} class={`event event-${event.type}`} data-event={event.type}>
                <span class="event-type">{t(`events.${event.type}`)}</span>
                {status ? <StatusChip status={status} lang={lang} size="sm" /> : event.system_status_id && <code class="id">{event.system_status_id}</code>}
                <span class="event-users">{event.user_ids.join(', ')}</span>
                <time class="muted">{formatTime(event.at, lang)}</time>
              </li>
            );
          })}
        </ol>
      )}
    </aside>
  );
}
