import { ms, when } from '../format.ts';
import type { StoryEventView } from '../types.ts';

type WaitEvent = Extract<StoryEventView, { type: 'wait' }>;

/** Why the run waited, and for how long (or until when). */
export function TimelineWait(props: { event: WaitEvent }) {
  const { event } = props;
  const before =
    event.beforeAttempt === null
      ? ''
      : ` before attempt ${event.beforeAttempt}`;
  return (
    <div data-testid="wait-row">
      <strong>Waited</strong>
      {before}: <span className="reason">{event.kind}</span> ·{' '}
      {event.ms === null ? 'duration unknown' : ms(event.ms)}
      {event.from && ` · from ${when(event.from)}`}
      {event.until && ` · until ${when(event.until)}`}
      {event.key && ` · key ${event.key}`}
      {event.position !== undefined && ` · position ${event.position}`}
      {event.storedVersion !== undefined &&
        ` · stored v${event.storedVersion}, known v${event.knownVersion ?? '?'}`}
      {event.handBacks !== undefined && ` · handed back ${event.handBacks}×`}
    </div>
  );
}
