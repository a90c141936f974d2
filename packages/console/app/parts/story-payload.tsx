import { json } from '../format.ts';
import type { RunStoryView } from '../types.ts';

/** The payload as stored (with its input version) and as the processor receives it. */
export function StoryPayload(props: { payload: RunStoryView['payload'] }) {
  const { payload } = props;
  if (!payload) return <p className="empty">No payload recorded yet.</p>;
  return (
    <div className="payloads">
      <div>
        <h4>As stored (v{payload.stored.version})</h4>
        <pre className="payload" data-testid="run-payload">
          {json(payload.stored.data)}
        </pre>
      </div>
      <div>
        <h4>As received</h4>
        {payload.dataError ? (
          <p className="problem">{payload.dataError}</p>
        ) : (
          <pre className="payload" data-testid="run-received">
            {json(payload.received)}
          </pre>
        )}
      </div>
    </div>
  );
}
