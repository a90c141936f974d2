import { createInterface } from 'node:readline/promises';

/** Where the CLI writes. Results go to stdout, diagnostics to stderr. */
export interface Output {
  /** A line of the command's result. */
  out(line: string): void;
  /** A line for the person at the terminal: an error, a hint. */
  err(line: string): void;
  /**
   * A line that replaces the previous status line on a terminal (a progress
   * bar); elsewhere a plain line, since `\r` redraws garble logs and pipes.
   */
  status(line: string): void;
  /**
   * Asks the person at the terminal a yes/no question; absent when input
   * is not a terminal (a script, a pipe), where nothing can answer.
   */
  confirm?(question: string): Promise<boolean>;
}

interface Stream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

/** Standard input, when it is a terminal someone may answer on. */
type Input = NodeJS.ReadableStream & { isTTY?: boolean };

export function createOutput(
  stdout: Stream,
  stderr: Stream,
  stdin?: Input,
): Output {
  let statusShown = false;
  // A status line has no newline yet: end it before anything else is printed.
  const endStatus = () => {
    if (!statusShown) return;
    stdout.write('\n');
    statusShown = false;
  };
  return {
    out(line) {
      endStatus();
      stdout.write(`${line}\n`);
    },
    err(line) {
      endStatus();
      stderr.write(`${line}\n`);
    },
    status(line) {
      if (!stdout.isTTY) {
        stdout.write(`${line}\n`);
        return;
      }
      // \x1b[K clears what a longer previous line would leave behind.
      stdout.write(`\r\x1b[K${line}`);
      statusShown = true;
    },
    ...(stdin?.isTTY
      ? {
          async confirm(question: string) {
            endStatus();
            const prompt = createInterface({ input: stdin });
            try {
              stderr.write(`${question} [y/N] `);
              const answer = await prompt.question('');
              return /^y(es)?$/i.test(answer.trim());
            } finally {
              prompt.close();
            }
          },
        }
      : {}),
  };
}
