import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { errorText, ms } from '../format.ts';
import { LiveEvents } from '../parts/live-events.tsx';
import { StoryEnqueued } from '../parts/story-enqueued.tsx';
import { StoryPayload } from '../parts/story-payload.tsx';
import { StoryTimeline } from '../parts/story-timeline.tsx';
import type { RunStoryView } from '../types.ts';

const UNFINISHED = new Set(['waiting', 'active', 'retrying', 'delayed']);

/** Redis's state while it holds the job (it is newer), else history's. */
function stateOf(story: RunStoryView | undefined): string {
  return story?.live?.state ?? story?.job?.state ?? '';
}

/** One run's whole story (`history.story`): enqueue, waits, attempts, end, payload; live while it runs. */
export function RunPage(props: { id: string }) {
  const { id } = props;
  const run = useQuery({
    queryKey: ['run', id],
    queryFn: () => api.history.story.query({ id }),
    refetchInterval: (query) =>
      UNFINISHED.has(stateOf(query.state.data)) ? 2_000 : false,
  });
  if (run.error)
    return (
      <p className="problem" role="alert">
        {errorText(run.error)}
      </p>
    );
  if (!run.data) return <p>Loading run {id}…</p>;
  const story = run.data;
  const state = stateOf(story);
  return (
    <section>
      <h2>
        Run <code>{story.id}</code> · {story.name}{' '}
        <span className={`state state-${state}`} data-testid="run-state">
          {state}
        </span>
      </h2>
      {story.gaps.length > 0 && (
        <ul className="note" aria-label="gaps">
          {story.gaps.map((gap) => (
            <li key={gap}>Partial: {gap}</li>
          ))}
        </ul>
      )}
      <StoryEnqueued story={story} />
      {story.job?.durationMs != null && (
        <p>Took {ms(story.job.durationMs)} in all.</p>
      )}
      <LiveEvents id={story.id} live={UNFINISHED.has(state)} />
      <h3>Timeline</h3>
      <StoryTimeline events={story.timeline} />
      <h3>Payload</h3>
      <StoryPayload payload={story.payload} />
    </section>
  );
}
