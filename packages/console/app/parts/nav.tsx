import { useState } from 'react';
import { Link } from '../link.tsx';
import { pagePrincipal } from '../principal.ts';
import { withParams } from '../use-url.ts';

const VIEWS = [
  ['search', 'Search'],
  ['bulk', 'Bulk action'],
  ['stats', 'Stats'],
] as const;

/** The pages, who is signed in, and (for an admin) the tenant to act for. */
export function Nav(props: {
  params: URLSearchParams;
  go: (next: URLSearchParams) => void;
}) {
  const { params, go } = props;
  const principal = pagePrincipal();
  const [tenant, setTenant] = useState(params.get('tenant') ?? '');
  const view = params.get('view') ?? 'search';
  return (
    <header className="nav">
      <strong>Conveyor · runs</strong>
      {VIEWS.map(([id, label]) => (
        <Link
          key={id}
          className={view === id ? 'current' : ''}
          to={withParams(params, { view: id, id: undefined })}
          go={go}
        >
          {label}
        </Link>
      ))}
      <span className="who" data-testid="who">
        {principal.role} · {principal.tenant}
      </span>
      {principal.role === 'admin' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            go(withParams(params, { tenant }));
          }}
        >
          <input
            aria-label="act for tenant"
            placeholder="act for tenant"
            value={tenant}
            onChange={(e) => setTenant(e.target.value)}
          />
        </form>
      )}
      <a href="../">Board</a>
      <a href="../logout">Sign out</a>
    </header>
  );
}
