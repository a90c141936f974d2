import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { errorText, json, ms, when } from '../format.ts';
import { AttemptsTable } from '../parts/attempts-table.tsx';
import { LiveEvents } from '../parts/live-events.tsx';

const UNFINISHED = new Set(['waiting', 'active', 'retrying']);

/** One run's story: what it carried, what it returned, every attempt; live while it runs. */
export function RunPage(props: { id: string }) {
  const { id } = props;
  const run = useQuery({
    queryKey: ['run', id],
    queryFn: () => api.history.get.query({ id }),
    refetchInterval: (query) =>
      UNFINISHED.has(query.state.data?.job.state ?? '') ? 2_000 : false,
  });
  if (run.error)
    return (
      <p className="problem" role="alert">
        {errorText(run.error)}
      </p>
    );
  if (!run.data) return <p>Loading run {id}…</p>;
  const { job, attempts } = run.data;
  return (
    <section>
      <h2>
        Run <code>{job.id}</code> · {job.name}{' '}
        <span className={`state state-${job.state}`} data-testid="run-state">
          {job.state}
        </span>
      </h2>
      <dl className="facts">
        <dt>Queue</dt>
        <dd>{job.queue}</dd>
        <dt>Tenant</dt>
        <dd>{job.tenant}</dd>
        <dt>Enqueued</dt>
        <dd>
          {when(job.enqueuedAt)}
          {job.enqueuedBy ? ` by ${job.enqueuedBy}` : ''}
        </dd>
        <dt>Finished</dt>
        <dd>{when(job.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>{ms(job.durationMs)}</dd>
        <dt>Idempotency key</dt>
        <dd>{job.idempotencyKey ?? '—'}</dd>
      </dl>
      <LiveEvents id={job.id} live={UNFINISHED.has(job.state)} />
      <h3>Payload</h3>
      <pre className="payload" data-testid="run-payload">
        {json(job.data)}
      </pre>
      {job.dataError && <p className="problem">{job.dataError}</p>}
      <h3>Result</h3>
      <pre>{json(job.result)}</pre>
      {job.lastError && (
        <>
          <h3>Last error</h3>
          <pre className="error">{job.lastError}</pre>
        </>
      )}
      <h3>Attempts</h3>
      <AttemptsTable attempts={attempts} />
    </section>
  );
}
