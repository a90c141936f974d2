import { BulkPage } from './pages/bulk-page.tsx';
import { RunPage } from './pages/run-page.tsx';
import { SearchPage } from './pages/search-page.tsx';
import { StatsPage } from './pages/stats-page.tsx';
import { Nav } from './parts/nav.tsx';
import { useUrl } from './use-url.ts';

/** The console: one page at a time, chosen (with its state) by the query string. */
export function App() {
  const [params, go] = useUrl();
  const view = params.get('view') ?? 'search';
  const id = params.get('id');
  return (
    <>
      <Nav params={params} go={go} />
      <main>
        {view === 'run' && id ? (
          <RunPage id={id} />
        ) : view === 'bulk' ? (
          <BulkPage params={params} go={go} />
        ) : view === 'stats' ? (
          <StatsPage />
        ) : (
          <SearchPage params={params} go={go} />
        )}
      </main>
    </>
  );
}
