import { formatValue } from './table.ts';

const WIDTH = 30;

/**
 * Progress is job-defined. By convention a number 0–100, or an object with
 * a numeric `percent`, is drawn as a bar (an object's other fields follow
 * it, e.g. a stage); anything else is printed as it is.
 */
export function renderProgress(progress: unknown): string {
  const percent = percentOf(progress);
  if (percent === null) return `Progress: ${formatValue(progress)}`;
  const clamped = Math.max(0, Math.min(100, percent));
  const filled = Math.round((clamped / 100) * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${Math.round(clamped)}%`;
  if (typeof progress !== 'object' || progress === null) return bar;
  const rest = Object.entries(progress)
    .filter(([key]) => key !== 'percent')
    .map(([, value]) => formatValue(value));
  return [bar, ...rest].join(' ');
}

function percentOf(progress: unknown): number | null {
  const value =
    typeof progress === 'object' && progress !== null && 'percent' in progress
      ? progress.percent
      : progress;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
