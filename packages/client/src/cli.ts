#!/usr/bin/env node
import { processOutput } from './cli/output.ts';
import { runCli } from './cli/run.ts';

// Exit explicitly: an open SSE connection (watch) would keep the process alive.
process.exit(await runCli(process.argv.slice(2), processOutput));
