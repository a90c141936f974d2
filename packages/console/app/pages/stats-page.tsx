import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { errorText, ms } from '../format.ts';
import { FailureReasons } from '../parts/failure-reasons.tsx';

/** Per job and day: how many ended how, and how long they took (p50/p95/p99). */
export function StatsPage() {
  const stats = useQuery({
    queryKey: ['stats'],
    queryFn: () => api.history.stats.query({}),
  });
  return (
    <section>
      <h2>Per-job stats (last 7 days)</h2>
      {stats.error && (
        <p className="problem" role="alert">
          {errorText(stats.error)}
        </p>
      )}
      {stats.data && stats.data.length === 0 && (
        <p className="empty">No runs in the range.</p>
      )}
      {stats.data && stats.data.length > 0 && (
        <table className="stats">
          <thead>
            <tr>
              <th>Day</th>
              <th>Job</th>
              <th>Total</th>
              <th>By state</th>
              <th>p50</th>
              <th>p95</th>
              <th>p99</th>
            </tr>
          </thead>
          <tbody>
            {stats.data.map((row) => (
              <tr key={`${row.day.toISOString()}-${row.name}`}>
                <td>{row.day.toISOString().slice(0, 10)}</td>
                <td>{row.name}</td>
                <td>{row.total}</td>
                <td>
                  {Object.entries(row.counts)
                    .map(([state, n]) => `${state} ${n}`)
                    .join(', ')}
                </td>
                <td>{ms(row.durationMs?.p50)}</td>
                <td>{ms(row.durationMs?.p95)}</td>
                <td>{ms(row.durationMs?.p99)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FailureReasons />
    </section>
  );
}
