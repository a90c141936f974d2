import { setTimeout as sleep } from 'node:timers/promises';
import { startNoiseMeter, type NoiseReading } from './noise.ts';
import { NOISE_RULE } from './report.ts';

export interface QuietWaitOptions {
  /** Length of each reading, in seconds. */
  windowSeconds: number;
  /** Give up (and run anyway, to be marked noisy if it is) after this long. */
  maxWaitSeconds: number;
  log: (message: string) => void;
}

/**
 * Quiet enough to start a scenario: stricter than the noise rule (half its
 * share for other processes), so a scenario started in a lull is not marked
 * noisy by the first burst of someone else's work.
 */
export function isQuiet(reading: NoiseReading): boolean {
  if (reading.stealPercent === null || reading.otherPercent === null)
    return true;
  return (
    reading.stealPercent < NOISE_RULE.stealPercent &&
    reading.otherPercent < NOISE_RULE.otherPercent / 2
  );
}

/** Waits until one reading window is quiet; says what it waited for. */
export async function waitUntilQuiet(
  label: string,
  options: QuietWaitOptions,
): Promise<boolean> {
  const started = performance.now();
  for (;;) {
    const meter = startNoiseMeter();
    await sleep(options.windowSeconds * 1_000);
    const reading = meter.stop();
    if (isQuiet(reading)) return true;
    const waited = (performance.now() - started) / 1_000;
    if (waited >= options.maxWaitSeconds) {
      options.log(
        `[${label}] still busy after ${waited.toFixed(0)} s (other processes ${reading.otherPercent?.toFixed(1)} %): running anyway`,
      );
      return false;
    }
    options.log(
      `[${label}] waiting for a quiet machine: other processes ${reading.otherPercent?.toFixed(1)} %, steal ${reading.stealPercent?.toFixed(1)} % over ${options.windowSeconds} s`,
    );
  }
}
