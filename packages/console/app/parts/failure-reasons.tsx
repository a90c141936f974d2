import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { errorText, when } from '../format.ts';

interface FailureReason {
  name: string;
  reason: string;
  count: number;
  lastAt: Date;
}

/** `history.failures` is being added beside this console: called by its shape until the router has it. */
const failures = (
  api as unknown as {
    history: { failures: { query(input: object): Promise<FailureReason[]> } };
  }
).history.failures;

/** The most common reasons runs failed. */
export function FailureReasons() {
  const top = useQuery({
    queryKey: ['failures'],
    queryFn: () => failures.query({}),
    retry: false,
  });
  return (
    <>
      <h3>Top failure reasons</h3>
      {top.error && (
        <p className="note">Not available: {errorText(top.error)}</p>
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
              <th>Count</th>
              <th>Last</th>
            </tr>
          </thead>
          <tbody>
            {top.data.map((f) => (
              <tr key={`${f.name}-${f.reason}`}>
                <td>{f.name}</td>
                <td className="error">{f.reason}</td>
                <td>{f.count}</td>
                <td>{when(f.lastAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
