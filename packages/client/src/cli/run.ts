import { createConveyorClient } from '../create-client.ts';
import { describeFailure } from './describe-failure.ts';
import { findToken } from './find-token.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import type { Output } from './output.ts';
import { parseInvocation } from './parse-invocation.ts';

/** The whole CLI as a function: arguments in, output written, exit code out. */
export async function runCli(
  argv: string[],
  io: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ExitCode> {
  let url: string | undefined;
  try {
    const invocation = parseInvocation(argv, env);
    if (invocation.kind === 'help') {
      io.out(invocation.text);
      return EXIT.ok;
    }
    url = invocation.url;
    return await invocation.command.run({
      client: createConveyorClient({
        url,
        token: findToken(url, env),
        tenant: invocation.asTenant,
      }),
      args: invocation.args,
      flags: invocation.flags,
      switches: invocation.switches,
      lists: invocation.lists,
      json: invocation.json,
      io,
    });
  } catch (error) {
    const failure = describeFailure(error, url ?? '');
    io.err(failure.message);
    return failure.exitCode;
  }
}
