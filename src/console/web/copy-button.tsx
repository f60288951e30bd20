import { useState } from 'preact/hooks';
import { useConsole } from './context.js';

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useConsole();
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Without clipboard permission (plain http on another host): fall back to a hidden textarea.
      const area = document.createElement('textarea');
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return (
    <button type="button" class="btn btn-small" onClick={copy} aria-label={label ? `${t('common.copy')} ${label}` : undefined}>
      {done ? t('common.copied') : t('common.copy')}
    </button>
  );
}
