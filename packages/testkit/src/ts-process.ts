import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface OutputLine {
  /** The parsed JSON (pino) record, or null for a plain-text line. */
  record: Record<string, unknown> | null;
  text: string;
}

export interface TsProcess {
  child: ChildProcess;
  lines: OutputLine[];
  /** Resolves with the first line (already printed or still to come) that matches. */
  waitForLine(
    match: (line: OutputLine) => boolean,
    timeoutMs?: number,
  ): Promise<OutputLine>;
  /** Exit code, or the signal name when killed by one. */
  exited: Promise<number | string>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | string>;
}

export interface TsProcessOptions {
  /** Command-line arguments after the entry point. */
  args?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: OutputLine) => void;
}

/**
 * Runs a TypeScript entry point from source in a child Node process (tsx,
 * with workspaces resolved to their `src`), collecting stdout and stderr
 * lines. Used by `yarn start`, and by tests that need a real second process.
 */
export function spawnTsProcess(
  entry: string,
  options: TsProcessOptions = {},
): TsProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      '--conditions=@conveyor/source',
      entry,
      ...(options.args ?? []),
    ],
    {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: OutputLine[] = [];
  const waiters = new Set<(line: OutputLine) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (text) => {
      const line = { record: parseRecord(text), text };
      lines.push(line);
      if (lines.length > 5_000) lines.shift();
      options.onLine?.(line);
      for (const waiter of waiters) waiter(line);
    });
  }
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );

  function waitForLine(
    match: (line: OutputLine) => boolean,
    // Generous: a tsx child compiles its sources first, slowly on a loaded machine.
    timeoutMs = 60_000,
  ): Promise<OutputLine> {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = (line: OutputLine) => {
        if (!match(line)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(line);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const tail = lines
          .slice(-10)
          .map((l) => l.text)
          .join('\n');
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for output from ${entry}. Last lines:\n${tail}`,
          ),
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  return {
    child,
    lines,
    waitForLine,
    exited,
    stop() {
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGTERM');
      return exited;
    },
  };
}

function parseRecord(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object'
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
