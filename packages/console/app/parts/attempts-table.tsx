import { when } from '../format.ts';
import type { RunDetail } from '../types.ts';

/** Every attempt of every run, oldest first, with its error. */
export function AttemptsTable(props: { attempts: RunDetail['attempts'] }) {
  if (props.attempts.length === 0)
    return <p className="empty">No attempt yet.</p>;
  return (
    <table className="attempts">
      <thead>
        <tr>
          <th>Run</th>
          <th>Attempt</th>
          <th>Started</th>
          <th>Ended</th>
          <th>Outcome</th>
          <th>Worker</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {props.attempts.map((a) => (
          <tr key={`${a.run}-${a.attempt}`} data-testid="attempt-row">
            <td>{a.run}</td>
            <td>{a.attempt}</td>
            <td>{when(a.startedAt)}</td>
            <td>{when(a.endedAt)}</td>
            <td className={`state state-${a.outcome ?? ''}`}>
              {a.outcome ?? 'running'}
            </td>
            <td>{a.worker ?? ''}</td>
            <td className="error">{a.error && <pre>{a.error}</pre>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
