/** Where the CLI writes; tests pass their own. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (a progress bar redraws only then). */
  isTTY: boolean;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTTY: Boolean(process.stdout.isTTY),
};

/** Left-aligned columns, widths from the content. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** JSON for scripts: Dates as ISO strings, one document per line. */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  // Numbers, booleans, objects and arrays all read well as JSON.
  return JSON.stringify(value) ?? '-';
}

/** `[#####-----] 50%` for a number 0–100 or `{ percent }`; null for anything else. */
export function progressBar(progress: unknown, width = 30): string | null {
  const percent =
    typeof progress === 'number'
      ? progress
      : typeof progress === 'object' &&
          progress !== null &&
          'percent' in progress &&
          typeof progress.percent === 'number'
        ? progress.percent
        : null;
  if (percent === null || !Number.isFinite(percent)) return null;
  const clamped = Math.max(0, Math.min(100, percent));
  const filled = Math.round((clamped / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(clamped)}%`;
}
