import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { Side } from './context.ts';
import {
  formatSummary,
  summarizeProfiles,
  type CpuProfile,
  type ProfileInput,
} from './profile-summary.ts';

/**
 * `--profile`: a CPU profile of each side of each scenario. In-process sides
 * run under the inspector's profiler; child processes hand in their own
 * `--cpu-prof` files. Each profile is written to `dir`, and each side gets a
 * summary of where its time went.
 */
export class Profiler {
  private session: Session | undefined;
  private scenario = 0;
  private readonly taken = new Map<string, ProfileInput[]>();
  private count = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  begin(scenario: number): void {
    this.scenario = scenario;
  }

  /** Runs `work` under the in-process profiler and files the profile under `side`. */
  async run<T>(side: Side, work: () => Promise<T>): Promise<T> {
    if (!this.session) {
      this.session = new Session();
      this.session.connect();
      await this.session.post('Profiler.enable');
    }
    await this.session.post('Profiler.start');
    try {
      return await work();
    } finally {
      const { profile } = await this.session.post('Profiler.stop');
      this.add(side, profile);
    }
  }

  add(side: Side, profile: CpuProfile, window?: ProfileInput['window']): void {
    this.count += 1;
    const file = `${this.dir}/s${this.scenario}-${side}-${this.count}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    const key = `${this.scenario}:${side}`;
    this.taken.set(key, [...(this.taken.get(key) ?? []), { profile, window }]);
  }

  /** The summaries of the current scenario, both sides, as text; also written to `dir`. */
  report(title: string): string {
    const text = (['raw', 'conveyor'] as const)
      .map((side) => {
        const inputs = this.taken.get(`${this.scenario}:${side}`) ?? [];
        return inputs.length === 0
          ? undefined
          : formatSummary(
              `[${this.scenario}] ${side}`,
              summarizeProfiles(inputs),
            );
      })
      .filter((t) => t !== undefined)
      .join('\n');
    writeFileSync(
      `${this.dir}/s${this.scenario}-summary.txt`,
      `${title}\n${text}\n`,
    );
    return text;
  }

  close(): void {
    this.session?.disconnect();
  }
}
