import { loadDotEnv } from './dot-env.ts';
import { formatLogLine, startSystem, SystemError } from './system.ts';

/** `yarn start`: Redis (found or started), API and worker, until Ctrl-C. */
loadDotEnv();
const say = (message: string) => console.log(`[conveyor] ${message}`);
const apiPort = Number(process.env.API_PORT ?? 3000);

try {
  const system = await startSystem({
    apiPort,
    say,
    print: (line) => console.log(formatLogLine(line)),
  });
  say(
    `Ready: API at ${system.apiUrl}/trpc (health ${system.apiUrl}/healthz), worker running. Ctrl-C stops everything.`,
  );
  const token =
    system.adminTokenFrom === 'CONVEYOR_ADMIN_TOKEN'
      ? 'the admin token from CONVEYOR_ADMIN_TOKEN'
      : `the admin token in ${system.adminTokenFrom}`;
  say(`Dashboard: ${system.apiUrl}/admin (sign in with ${token}).`);
  say(
    `Runs console: ${system.apiUrl}/admin/console/ (any tenant's token; \`yarn build\` builds it).`,
  );
  say(
    system.historyUrl
      ? `Job history database: ${withoutPassword(system.historyUrl)}`
      : 'Job history: off.',
  );
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('Stopping…');
    await system.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  void system.crashed.then((why) => {
    say(`${why}; stopping the rest.`);
    return stop(1);
  });
} catch (error) {
  console.error(
    `[conveyor] ${error instanceof SystemError ? error.message : String(error)}`,
  );
  process.exit(1);
}

/** A DATABASE_URL for the terminal: its password masked. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(DATABASE_URL, not a URL)';
  }
}
