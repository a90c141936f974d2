import { createServer } from 'node:net';
import { SystemError } from './system-error.ts';

export interface WantedPort {
  port: number;
  /** What this run would serve there, e.g. "the API (API_PORT)". */
  role: string;
}

/**
 * Refuses to start beside whatever already holds one of these loopback
 * ports: the services would fail to bind while the readiness probes reached
 * the other stack and reported it as ours.
 */
export async function ensurePortsFree(wanted: WantedPort[]): Promise<void> {
  for (const { port, role } of wanted) {
    if (await canListen(port)) continue;
    const holder = (await answersAsConveyor(port))
      ? `a Conveyor API or worker answers at http://127.0.0.1:${port}/healthz (another \`yarn start\`?)`
      : `another process listens on ${port}`;
    throw new SystemError(
      `Port ${port} is taken, wanted for ${role}: ${holder}. Stop it, or choose another port.`,
    );
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** Conveyor's API and worker both answer `GET /healthz` with `{"status":"ok"}`. */
async function answersAsConveyor(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(2_000),
    });
    const body = (await response.json()) as { status?: unknown };
    return response.ok && body.status === 'ok';
  } catch {
    return false;
  }
}
