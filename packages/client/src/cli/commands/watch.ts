import type { ConveyorRouterOutputs as RouterOutputs } from '@conveyor/server';
import type { ConveyorClient } from '../../create-client.ts';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { renderProgress } from '../progress-bar.ts';
import { formatValue, toJson } from '../table.ts';

/**
 * The event stream reconnects (and resumes) by itself after a network blip;
 * past this long without a connection a script is better told (exit 5).
 */
export const WATCH_GIVE_UP_AFTER_MS = 30_000;

// What the server yields, unwrapped from the resumable event-id envelope.
type JobEvent =
  RouterOutputs['jobs']['watch'] extends AsyncIterable<{ data: infer E }>
    ? E
    : never;
type TerminalEvent = Exclude<JobEvent, { type: 'progress' }>;

const OUTCOME: Record<TerminalEvent['type'], ExitCode> = {
  completed: EXIT.ok,
  failed: EXIT.jobFailed,
  cancelled: EXIT.jobCancelled,
};

export const watch = defineCommand({
  args: ['id'],
  flags: [],
  async run({ client, args, io, json }) {
    // A plain query first: an unknown id or a down API fails fast (exit 3
    // or 5), where the event stream would keep trying to connect.
    const job = await client.jobs.get.query({ id: args.id });
    if (!json) io.out(`Watching ${job.name} job ${job.id} (${job.state})`);
    const last = await follow(client, args.id, (event) => {
      if (json) io.out(toJson(event));
      else if (event.type === 'progress')
        io.status(renderProgress(event.progress));
      else io.out(describe(event));
    });
    return OUTCOME[last.type];
  },
});

function describe(event: TerminalEvent): string {
  if (event.type === 'completed')
    return `Completed: ${formatValue(event.result)}`;
  return `${event.type === 'failed' ? 'Failed' : 'Cancelled'}: ${event.reason}`;
}

/** Resolves with the terminal event, after which the server ends the stream. */
function follow(
  client: ConveyorClient,
  id: string,
  onEvent: (event: JobEvent) => void,
): Promise<TerminalEvent> {
  return new Promise((resolve, reject) => {
    let terminal: TerminalEvent | undefined;
    let giveUp: NodeJS.Timeout | undefined;
    const subscription = client.jobs.watch.subscribe(
      { id },
      {
        onData: ({ data: event }) => {
          onEvent(event);
          if (event.type !== 'progress') terminal = event;
        },
        onConnectionStateChange: (state) => {
          if (state.state !== 'connecting' || !state.error) {
            clearTimeout(giveUp);
            giveUp = undefined;
            return;
          }
          giveUp ??= setTimeout(() => {
            reject(
              new CliError(
                `Lost the connection to the API while watching job ${id} (${state.error?.message}); the job may still be running.`,
                EXIT.unavailable,
              ),
            );
            // Reject first: unsubscribing completes the stream, which would
            // otherwise read as the stream ending early.
            subscription.unsubscribe();
          }, WATCH_GIVE_UP_AFTER_MS);
        },
        onComplete: () => {
          clearTimeout(giveUp);
          if (terminal) resolve(terminal);
          else reject(new Error(`The event stream for job ${id} ended early`));
        },
        onError: (error) => {
          clearTimeout(giveUp);
          reject(error);
          subscription.unsubscribe();
        },
      },
    );
  });
}
