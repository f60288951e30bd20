import type { I18nText } from './api.js';
import { hueOf } from './colors.js';
import { StatusIcon } from './icons.js';
import { displayTitle, type Lang } from './i18n.js';

/** A system status as the Feishu client draws it beside a name: tinted pill, coloured icon and title. */
export function StatusChip(props: {
  status: { title: string; i18n_title?: I18nText; icon_key: string; color: string; system_status_id?: string };
  lang: Lang;
  size?: 'sm' | 'md' | 'lg';
}) {
  const { status, lang, size = 'md' } = props;
  const hue = hueOf(status.color);
  const title = displayTitle(status, lang);
  return (
    <span
      class={`chip chip-${size}`}
      style={{ color: hue.text, background: hue.bg }}
      data-status-id={status.system_status_id}
      data-color={status.color}
      data-icon-key={status.icon_key}
      title={status.title === title ? title : `${title} (${status.title})`}
    >
      <StatusIcon iconKey={status.icon_key} size={size === 'lg' ? 18 : size === 'sm' ? 12 : 14} />
      <span class="chip-title">{title}</span>
    </span>
  );
}
