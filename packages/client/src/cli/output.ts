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
}

interface Stream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

export function createOutput(stdout: Stream, stderr: Stream): Output {
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
  };
}
