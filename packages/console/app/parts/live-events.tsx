import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api.ts';

/**
 * While a run is unfinished: its events over `jobs.watch` (SSE), each
 * refreshing the run page's queries. Ends with the job's last event.
 */
export function LiveEvents(props: { id: string; live: boolean }) {
  const { id, live } = props;
  const client = useQueryClient();
  const [events, setEvents] = useState<string[]>([]);
  useEffect(() => {
    if (!live) return;
    const subscription = api.jobs.watch.subscribe(
      { id },
      {
        onData: ({ data }) => {
          setEvents((seen) => [...seen, describe(data)]);
          void client.invalidateQueries({ queryKey: ['run', id] });
        },
        onError: (error) =>
          setEvents((seen) => [...seen, `watch ended: ${error.message}`]),
      },
    );
    return () => subscription.unsubscribe();
  }, [id, live, client]);
  if (!live && events.length === 0) return null;
  return (
    <div className="live" aria-label="live events">
      <h3>{live ? 'Live' : 'Events'}</h3>
      <ul>
        {events.map((event, i) => (
          <li key={i}>{event}</li>
        ))}
      </ul>
    </div>
  );
}

function describe(event: { type: string }): string {
  const detail = 'reason' in event ? `: ${String(event.reason)}` : '';
  return `${new Date().toLocaleTimeString()} ${event.type}${detail}`;
}
