import { ms, when } from '../format.ts';
import type { RunStoryView } from '../types.ts';

/** How the run came to be: when, by whom, through what, with which key and delay. */
export function StoryEnqueued(props: { story: RunStoryView }) {
  const { story } = props;
  const { enqueued } = story;
  return (
    <dl className="facts" data-testid="run-enqueued">
      <dt>Queue</dt>
      <dd>{story.queue}</dd>
      <dt>Enqueued</dt>
      <dd>{when(enqueued.at)}</dd>
      <dt>By</dt>
      <dd>{enqueued.by ?? '—'}</dd>
      <dt>Via</dt>
      <dd>{enqueued.via ?? '—'}</dd>
      <dt>Idempotency key</dt>
      <dd>{enqueued.idempotencyKey ?? '—'}</dd>
      <dt>Delay</dt>
      <dd>{enqueued.delayMs ? ms(enqueued.delayMs) : 'none'}</dd>
      {story.traceId && (
        <>
          <dt>Trace id</dt>
          <dd>
            <code data-testid="run-trace">{story.traceId}</code>
          </dd>
        </>
      )}
    </dl>
  );
}
