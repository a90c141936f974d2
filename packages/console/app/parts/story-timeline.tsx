import { when } from '../format.ts';
import type { StoryEventView } from '../types.ts';
import { TimelineAttempt } from './timeline-attempt.tsx';
import { TimelineEnd } from './timeline-end.tsx';
import { TimelineWait } from './timeline-wait.tsx';

/** The run's events, oldest first, each saying how it is known. */
export function StoryTimeline(props: { events: StoryEventView[] }) {
  if (props.events.length === 0)
    return <p className="empty">Nothing recorded yet.</p>;
  return (
    <ol className="timeline" aria-label="timeline">
      {props.events.map((event, i) => (
        <li key={i} className={`event event-${event.type}`}>
          <span
            className={`known known-${event.known}`}
            title="how it is known"
          >
            {event.known}
          </span>{' '}
          <EventBody event={event} />
        </li>
      ))}
    </ol>
  );
}

function EventBody(props: { event: StoryEventView }) {
  const { event } = props;
  switch (event.type) {
    case 'enqueued':
      return (
        <span>
          <strong>Enqueued</strong> · {when(event.at)}
          {event.by ? ` by ${event.by}` : ''}
          {event.via ? ` via ${event.via}` : ''}
        </span>
      );
    case 'wait':
      return <TimelineWait event={event} />;
    case 'attempt':
      return <TimelineAttempt event={event} />;
    case 'end':
      return <TimelineEnd event={event} />;
  }
}
