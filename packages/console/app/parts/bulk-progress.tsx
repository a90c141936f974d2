import { useQuery } from '@tanstack/react-query';
import { getBulk } from '../bulk-api.ts';
import { errorText } from '../format.ts';

const FINISHED = new Set(['completed', 'failed']);

/** A started bulk action, polled until it ends. */
export function BulkProgress(props: { id: string }) {
  const run = useQuery({
    queryKey: ['bulk', props.id],
    queryFn: () => getBulk(props.id),
    refetchInterval: (query) =>
      FINISHED.has(query.state.data?.state ?? '') ? false : 1_000,
  });
  if (run.error)
    return (
      <p className="problem" role="alert">
        {errorText(run.error)}
      </p>
    );
  if (!run.data) return <p>Starting…</p>;
  const { state, done, skipped, failed, matched } = run.data;
  return (
    <p className="progress" data-testid="bulk-progress">
      Bulk action <code>{props.id}</code>: <strong>{state}</strong> — {done}{' '}
      done, {skipped} skipped, {failed} failed of {matched} matched
    </p>
  );
}
