#!/usr/bin/env node
import { createOutput } from './cli/output.ts';
import { runCli } from './cli/run.ts';

const code = await runCli(
  process.argv.slice(2),
  createOutput(process.stdout, process.stderr, process.stdin),
);
// process.exit drops output still queued for a pipe (writes to pipes are
// asynchronous on macOS), so wait for both streams to drain first.
await Promise.all(
  [process.stdout, process.stderr].map(
    (stream) =>
      new Promise<void>((resolve) => stream.write('', () => resolve())),
  ),
);
// Exit explicitly: the client's keep-alive sockets would hold the process open.
process.exit(code);
