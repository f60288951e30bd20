import type { PlatformAnswer } from './api.js';
import { useConsole } from './context.js';

export type PlatformFailure = { answer: PlatformAnswer<unknown> } | { message: string };

interface FieldViolation {
  field?: string;
  description?: string;
}

/** A platform error as the app would get it: code, msg, log id and field violations. */
export function PlatformErrorView({ failure }: { failure: PlatformFailure }) {
  const { t } = useConsole();
  if ('message' in failure) {
    return (
      <p class="error" role="alert">
        {failure.message}
      </p>
    );
  }
  const { answer } = failure;
  const violations = ((answer.body as { error?: { field_violations?: FieldViolation[] } }).error?.field_violations ?? []) as FieldViolation[];
  return (
    <div class="error" role="alert">
      <strong>
        {t('common.error')} {answer.code}
      </strong>{' '}
      {answer.msg} <small>(HTTP {answer.status}{answer.log_id ? `, log_id ${answer.log_id}` : ''})</small>
      {violations.length > 0 && (
        <ul>
          {violations.map((v, i) => (
            <li key={i}>
              <code>{v.field}</code> {v.description}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
