/** How `createBoardAdapters` presents each queue on the dashboard. */
export interface BoardAdapterOptions {
  /** Nothing on the board changes a job or a queue (no retry, add, clean, pause). */
  readOnly: boolean;
  /** A viewer's board: other tenants' jobs show without payload, result, progress or error. */
  tenant?: string;
  /** Per queue name: a line under the queue's name, and the JSON Schema of its add-job form. */
  queues?: Readonly<
    Record<string, { description?: string; jobDataSchema?: object }>
  >;
}
