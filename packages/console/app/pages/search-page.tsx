import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.ts';
import { errorText } from '../format.ts';
import { FilterForm } from '../parts/filter-form.tsx';
import { RunsTable } from '../parts/runs-table.tsx';
import { filterFromUrl } from '../url-filter.ts';
import { useCatalog } from '../use-catalog.ts';
import { withParams } from '../use-url.ts';

type SearchInput = Parameters<typeof api.history.search.query>[0];

/** Runs by what they carried: the filter lives in the URL, the results page by `nextCursor`. */
export function SearchPage(props: {
  params: URLSearchParams;
  go: (next: URLSearchParams) => void;
}) {
  const { params, go } = props;
  const catalog = useCatalog();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const key = params.toString();
  const search = useQuery({
    queryKey: ['search', key, cursor],
    enabled: catalog.jobs.length > 0,
    queryFn: () => {
      const filter = filterFromUrl(params, catalog.fieldsOf);
      const input = { ...filter, limit: 25, ...(cursor ? { cursor } : {}) };
      return api.history.search.query(input as SearchInput);
    },
  });
  if (catalog.error)
    return (
      <p className="problem" role="alert">
        {errorText(catalog.error)}
      </p>
    );
  if (catalog.jobs.length === 0) return <p>Loading the catalog…</p>;
  const runLink = (id: string) =>
    withParams(new URLSearchParams(), {
      view: 'run',
      id,
      tenant: params.get('tenant') ?? '',
    });
  const next = search.data?.nextCursor;
  return (
    <section>
      <h2>Search runs</h2>
      <FilterForm
        key={key}
        jobs={catalog.jobs}
        params={params}
        submitLabel="Search"
        onApply={(p) => {
          setCursors([]);
          go(p);
        }}
      />
      {search.error && (
        <p className="problem" role="alert">
          {errorText(search.error)}
        </p>
      )}
      {search.isPending && <p>Searching…</p>}
      {search.data && (
        <RunsTable runs={search.data.items} runLink={runLink} go={go} />
      )}
      <div className="pager">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors([])}
        >
          First page
        </button>
        <button
          type="button"
          disabled={!next}
          onClick={() => next && setCursors([...cursors, next])}
        >
          Next page
        </button>
      </div>
    </section>
  );
}
