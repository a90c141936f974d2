import { CliError } from './cli-error.ts';
import { EXIT } from './exit-codes.ts';

/** Where `yarn start` serves the API when API_PORT is not set. */
export const DEFAULT_PORT = 3000;

/**
 * The API's tRPC endpoint: `--url`, else `$CONVEYOR_URL`, else the local API
 * on `$API_PORT` (the port `yarn start` and the API itself follow), else on
 * 3000. A URL without a path is the common slip (the API's root answers
 * nothing): it is refused with the fix rather than sent as a 404.
 */
export function resolveApiUrl(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): string {
  const from = flag !== undefined ? '--url' : 'CONVEYOR_URL';
  const url = flag ?? env.CONVEYOR_URL;
  if (url === undefined) return localUrl(env.API_PORT);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw usageError(`"${url}" is not an http(s) URL (from ${from}).`);
  const parsed = new URL(url);
  if (parsed.pathname === '/' || parsed.pathname === '')
    throw usageError(
      `"${url}" (from ${from}) has no path: the API answers at /trpc. Use ${parsed.origin}/trpc.`,
    );
  return url;
}

function localUrl(apiPort: string | undefined): string {
  const port = apiPort?.trim() || String(DEFAULT_PORT);
  if (!/^\d{1,5}$/.test(port))
    throw usageError(`API_PORT is "${apiPort}", not a port number.`);
  return `http://127.0.0.1:${port}/trpc`;
}

const usageError = (message: string) =>
  new CliError(`${message}\nSee conveyor --help.`, EXIT.invalidInput);
