import { json, when } from '../format.ts';
import type { StoryEventView } from '../types.ts';

type EndEvent = Extract<StoryEventView, { type: 'end' }>;

/** How the run ended: its result, or the error it ended on. */
export function TimelineEnd(props: { event: EndEvent }) {
  const { event } = props;
  return (
    <div data-testid="end-row">
      <strong>Ended</strong>{' '}
      <span className={`state state-${event.state}`}>{event.state}</span> ·{' '}
      {when(event.at)}
      {event.state === 'completed' && (
        <pre data-testid="run-result">{json(event.result)}</pre>
      )}
      {event.error && <pre className="error">{event.error}</pre>}
    </div>
  );
}
