/** A running worker, as `runWorker` and `runDaemon` return it. */
export interface WorkerHandle {
  /**
   * Shuts down in BullMQ's order: stops taking jobs, lets active ones finish
   * within WORKER_SHUTDOWN_GRACE_MS (jobs still running then are left to
   * stalled-job recovery), then closes connections. Calling it again returns
   * the same promise. The process is not exited: a signal does that.
   */
  close(): Promise<void>;
}
