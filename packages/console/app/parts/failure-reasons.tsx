import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { errorText, when } from '../format.ts';

/** The most common reasons runs failed over the last 7 days, per job (`history.failures`). */
export function FailureReasons() {
  const top = useQuery({
    queryKey: ['failures'],
    queryFn: () => api.history.failures.query({}),
  });
  return (
    <>
      <h3>Top failure reasons (last 7 days)</h3>
      {top.error && (
        <p className="problem" role="alert">
          {errorText(top.error)}
        </p>
      )}
      {top.data && top.data.length === 0 && (
        <p className="empty">No failures.</p>
      )}
      {top.data && top.data.length > 0 && (
        <table className="failures">
          <thead>
            <tr>
              <th>Job</th>
              <th>Reason</th>
              <th title="jobs that ended failed with it">Failed jobs</th>
              <th title="attempts that failed with it, retried ones included">
                Failed attempts
              </th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {top.data.map((f) => (
              <tr key={`${f.name}-${f.reason}`} data-testid="failure-row">
                <td>{f.name}</td>
                <td className="error">{f.reason}</td>
                <td>{f.jobs}</td>
                <td>{f.attempts}</td>
                <td>{when(f.lastAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
