/**
 * What each command does, for `conveyor --help` and `conveyor help <command>`;
 * lines wrap at 55 characters (they follow a 25-character column).
 * commands.ts pairs every command with one of these, so none lacks help.
 */
export const DESCRIPTIONS = {
  enqueue: `Enqueue a job, e.g. enqueue TEST_JOB '{"message":"hi"}'.
--delay MS, --priority N (1 runs first), --idempotency-key KEY`,
  get: 'Show one job.',
  list: `Jobs, newest first. --state STATE, --name NAME, --limit N,
--cursor CURSOR (printed when there are more)`,
  watch: `Follow a job until it ends: a progress bar on a terminal,
one line per event otherwise. The exit code is the outcome.`,
  cancel: 'Cancel a waiting, delayed or active job.',
  retry: `Run a failed or cancelled job again, with fresh attempts.
--all --state failed [--name N]: every failed job; prints
how many, and retries them with --yes`,
  promote: 'Run a delayed job now.',
  stats: `Your tenant's jobs per state, per queue: waiting (held:
of those, kept back by flow control), delayed and active
now; completed, failed and cancelled in total.`,
  jobs: `The job catalog: each job's queue, attempts, backoff,
timeout and input. --json: everything, input as JSON Schema.`,
  'tokens create': `(admin) A token: role admin, producer or viewer. Printed
once. --tenant T, --jobs a,b (only these jobs), --label L,
--expires ISO-DATE`,
  'tokens list': '(admin) Tokens, never their secrets. --tenant T',
  'tokens revoke': '(admin) The token stops working at once.',
  'tenants limits': `(admin) A tenant's limits in force: unfinished jobs, rate,
burst, schedules and fair-share weight.`,
  'tenants weight': `(admin) A tenant's fair-share weight, 1 to 1000 (default
1; "default" clears it): weight 3 gets about three held
jobs dispatched to a weight-1 tenant's one.`,
  'webhooks create': `(producer) POST these events (comma-separated: job.completed,
job.failed, job.dead-lettered, schedule.missed) to url,
signed. Prints the secret once. --jobs a,b, --label L`,
  'webhooks list': "Your tenant's webhooks, never their secrets.",
  'webhooks remove': '(producer) No more deliveries to it.',
  'webhooks test': '(producer) Send a webhook.test event to it.',
  'webhooks deliveries': `Recent deliveries, newest first: status, attempts, last
error. --state failed|retrying|delivered|pending, --limit N`,
  'webhooks redrive':
    '(producer) Send a failed delivery again, fresh attempts.',
  'schedules set': `Create or change a schedule of your tenant: --cron '0 3 * * *'
[--tz Europe/Paris] or --every 15m; --missed skip|run-once`,
  'schedules list':
    "Your tenant's schedules and the contract's (SOURCE), with their next run and last tick.",
  'schedules get':
    "One schedule (yours, or the contract's: c.{job}.{key}), its next five runs and its last tick.",
  'schedules pause': 'Stop firing the schedule until it is resumed.',
  'schedules resume': 'Fire a paused schedule again.',
  'schedules remove': 'Delete the schedule.',
  'schedules run': 'One extra run now, enqueued like any job.',
  'history list': `Job history (kept past Redis retention), newest first.
--name N, --state S, --from ISO, --to ISO, --text WORDS
(in the error), --idempotency-key K, --limit N, --cursor C`,
  'history get': 'One job from history, with every attempt and its error.',
  'history stats': `Per job and day: counts by state, duration p50/p95/p99.
--from ISO, --to ISO (default: the last 7 days)`,
  'history search': `[job] Jobs by what they carried: --where 'data.to^=+1415'
(=, ^= prefix, >=, <=, >, <; repeatable; needs the job),
--since 9h | --from ISO --to ISO, --state S, --error WORDS`,
  'bulk retry': `(producer) [job] [filters as history search] Retry every
failed or cancelled job that matches: shows how many and a
sample, asks (or --yes), then follows the progress.`,
  'bulk redrive': `(producer) [job] [filters] Redrive every dead letter
(failed job) that matches, after a preview; --yes`,
  'bulk cancel': `(producer) [job] [filters] Cancel every waiting, retrying
or active job that matches, after a preview; --yes`,
  'bulk delete': `(admin) [job] [filters] Delete the history rows of every
finished job that matches, after a preview; --yes`,
  'history show': `A run's whole story: enqueued (by whom, through what),
each wait, each attempt (worker, duration, error, stack),
the end, the payload as stored and as received.`,
  'history failures': `The top 20 failure reasons per job, with counts.
--name N, --from ISO, --to ISO (default: the last 7 days)`,
  'keys reencrypt': `(admin) After a new key is put first in
CONVEYOR_ENCRYPTION_KEYS: seals every stored sensitive value (Redis, history)
again under it, so the old key can be removed. Safe to run again. Exits 10
when some value opens with no configured key.`,
  compat: `(admin) Before a deploy: can the contract read every stored
payload (jobs in every state, dead letters, schedules)?
Samples are upcast and validated. Default: the API's own
contract. --contract FILE [--export NAME]: the module's
registry export (default "registry"), checked here. Exit
0 when compatible, 10 with the problems.`,
} as const;

export type CommandName = keyof typeof DESCRIPTIONS;
