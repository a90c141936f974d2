import { Link } from '../link.tsx';
import { json, when } from '../format.ts';
import type { RunView } from '../types.ts';

/** A page of runs, newest first; each opens its run page. */
export function RunsTable(props: {
  runs: readonly RunView[];
  runLink: (id: string) => URLSearchParams;
  go: (next: URLSearchParams) => void;
}) {
  if (props.runs.length === 0) return <p className="empty">No runs match.</p>;
  return (
    <table className="runs">
      <thead>
        <tr>
          <th>Id</th>
          <th>Job</th>
          <th>State</th>
          <th>Payload</th>
          <th>Enqueued</th>
          <th>Attempts</th>
          <th>Last error</th>
        </tr>
      </thead>
      <tbody>
        {props.runs.map((run) => (
          <tr key={run.id} data-testid="run-row">
            <td>
              <Link to={props.runLink(run.id)} go={props.go}>
                {run.id}
              </Link>
            </td>
            <td>{run.name}</td>
            <td className={`state state-${run.state}`}>{run.state}</td>
            <td className="payload">{json(run.data)}</td>
            <td>{when(run.enqueuedAt)}</td>
            <td>{run.attempts}</td>
            <td className="error">{run.lastError ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
