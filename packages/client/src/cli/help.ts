export const DEFAULT_URL = 'http://127.0.0.1:3000/trpc';

export const HELP = `Usage: conveyor <command> [arguments] [--json] [--url URL]

Commands:
  enqueue <name> <json>  Enqueue a job, e.g. enqueue TEST_JOB '{"message":"hi"}'.
                         --delay MS, --priority N (1 runs first), --idempotency-key KEY
  get <id>               Show one job.
  list                   Jobs, newest first. --state STATE, --name NAME, --limit N,
                         --cursor CURSOR (printed when there are more)
  watch <id>             Follow a job until it ends: a progress bar on a terminal,
                         one line per event otherwise. The exit code is the outcome.
  cancel <id>            Cancel a waiting, delayed or active job.
  retry <id>             Run a failed or cancelled job again, with fresh attempts.
  promote <id>           Run a delayed job now.
  stats                  Your tenant's jobs per state, per queue.
  tokens create <role>   (admin) A token: role admin, producer or viewer. Printed
                         once. --tenant T, --jobs a,b (only these jobs), --label L,
                         --expires ISO-DATE
  tokens list            (admin) Tokens, never their secrets. --tenant T
  tokens revoke <id>     (admin) The token stops working at once.
  webhooks create <url> <events>
                         (producer) POST these events (comma-separated: job.completed,
                         job.failed, job.dead-lettered, schedule.missed) to url,
                         signed. Prints the secret once. --jobs a,b, --label L
  webhooks list          Your tenant's webhooks, never their secrets.
  webhooks remove <id>   (producer) No more deliveries to it.
  webhooks test <id>     (producer) Send a webhook.test event to it.
  webhooks deliveries    Recent deliveries, newest first: status, attempts, last
                         error. --state failed|retrying|delivered|pending, --limit N
  webhooks redrive <id>  (producer) Send a failed delivery again, fresh attempts.
  schedules set <name> <job> <json>
                         Create or change a schedule of your tenant: --cron '0 3 * * *'
                         [--tz Europe/Paris] or --every 15m; --missed skip|run-once
  schedules list         Your schedules, with their next run.
  schedules get <name>   One schedule and its next five runs.
  schedules pause <name> | resume <name> | remove <name>
  schedules run <name>   One extra run now, enqueued like any job.

Options:
  --json                 For scripts: one JSON document on stdout (watch: one per
                         event, one per line). Errors always go to stderr as text.
  --url URL              The API's tRPC endpoint. Default: $CONVEYOR_URL, else
                         ${DEFAULT_URL}
  --as-tenant T          (admin) Act for tenant T.
  -h, --help             This text.

Token: $CONVEYOR_TOKEN. For an API on this machine, the admin token that
  \`yarn start\` wrote to .data/admin-token is found by itself.

Dates: JSON has none, so where a job wants a Date give an ISO-8601 string:
  "2026-11-22" (midnight UTC), "2026-11-22T09:00:00Z" or "…T09:00:00+01:00".
  The payload is sent as written; if the API answers that a Date was expected
  at a path holding such a string, exactly those paths become Dates and the
  request is sent once more.

Exit codes:
  0  ok (watch: the job completed)
  1  unexpected error
  2  usage error or invalid input (bad JSON, a payload the job rejects)
  3  not found
  4  conflict (the job's state does not allow it, idempotency key reused)
  5  API or queue unavailable (watch: after 30 s without a connection)
  6  watch: the job failed
  7  watch: the job was cancelled
  8  not allowed (no valid token, or its role or job scope forbids it)
  9  the tenant's quota or rate limit: try again later`;
