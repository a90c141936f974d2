import { useMutation } from '@tanstack/react-query';
import { BULK_ACTIONS, previewBulk, startBulk } from '../bulk-api.ts';
import { errorText } from '../format.ts';
import { BulkProgress } from '../parts/bulk-progress.tsx';
import { FilterForm } from '../parts/filter-form.tsx';
import { RunsTable } from '../parts/runs-table.tsx';
import { pagePrincipal } from '../principal.ts';
import { filterFromUrl } from '../url-filter.ts';
import { useCatalog } from '../use-catalog.ts';
import { withParams } from '../use-url.ts';

/**
 * An action over every run a filter selects: preview first (how many,
 * a sample), then confirm, then its progress. Viewers preview only.
 */
export function BulkPage(props: {
  params: URLSearchParams;
  go: (next: URLSearchParams) => void;
}) {
  const { params, go } = props;
  const catalog = useCatalog();
  const action =
    BULK_ACTIONS.find((a) => a === params.get('action')) ?? 'retry';
  const filter = () => filterFromUrl(params, catalog.fieldsOf);
  const preview = useMutation({
    mutationFn: () => previewBulk(action, filter()),
  });
  const start = useMutation({
    mutationFn: (listedBy: Date) => startBulk(action, filter(), listedBy),
  });
  if (catalog.jobs.length === 0) return <p>Loading the catalog…</p>;
  const canStart = pagePrincipal().role !== 'viewer';
  const runLink = (id: string) =>
    withParams(new URLSearchParams(), { view: 'run', id });
  return (
    <section>
      <h2>Bulk action</h2>
      {!canStart && (
        <p className="note">
          A viewer's token reads only: previews and bulk actions take a
          producer's or an admin's.
        </p>
      )}
      <label>
        Action
        <select
          aria-label="action"
          value={action}
          onChange={(e) => {
            preview.reset();
            start.reset();
            go(withParams(params, { action: e.target.value }));
          }}
        >
          {BULK_ACTIONS.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </label>
      <FilterForm
        key={params.toString()}
        jobs={catalog.jobs}
        params={params}
        submitLabel="Use filter"
        onApply={(p) => {
          preview.reset();
          start.reset();
          go(p);
        }}
      />
      <button
        type="button"
        onClick={() => preview.mutate()}
        disabled={preview.isPending || !canStart}
      >
        Preview
      </button>
      {preview.error && (
        <p className="problem" role="alert">
          {errorText(preview.error)}
        </p>
      )}
      {preview.data && (
        <div className="preview">
          <p data-testid="bulk-count">
            This will {action}{' '}
            <strong>
              {preview.data.count}
              {preview.data.capped ? '+' : ''}
            </strong>{' '}
            jobs.
          </p>
          <RunsTable runs={preview.data.sample} runLink={runLink} go={go} />
          {canStart && !start.data && (
            <button
              type="button"
              className="danger"
              onClick={() =>
                preview.data && start.mutate(preview.data.listedBy)
              }
              disabled={start.isPending}
            >
              Confirm: {action} {preview.data.count} jobs
            </button>
          )}
        </div>
      )}
      {start.error && (
        <p className="problem" role="alert">
          {errorText(start.error)}
        </p>
      )}
      {start.data && <BulkProgress id={start.data.id} />}
    </section>
  );
}
