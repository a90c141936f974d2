import { ms, when } from '../format.ts';
import type { StoryEventView } from '../types.ts';

type AttemptEvent = Extract<StoryEventView, { type: 'attempt' }>;

/** One attempt: who ran it, how long, how it ended; its error, and the stack folded away. */
export function TimelineAttempt(props: { event: AttemptEvent }) {
  const { event } = props;
  return (
    <div data-testid="attempt-row">
      <strong>
        Attempt {event.attempt}
        {event.run > 0 ? ` (run ${event.run})` : ''}
      </strong>{' '}
      <span className={`state state-${event.outcome ?? ''}`}>
        {event.outcome ?? 'running'}
      </span>{' '}
      · {when(event.startedAt)} · {ms(event.durationMs)} · worker{' '}
      {event.worker ?? '—'}
      {event.error && (
        <pre className="error" data-testid="attempt-error">
          {event.error}
        </pre>
      )}
      {event.stack && (
        <details data-testid="attempt-stack">
          <summary>Stack</summary>
          <pre className="error">{event.stack}</pre>
        </details>
      )}
    </div>
  );
}
