import {
  envelopeVersion,
  type StoredPlace,
  type StoredVersionGroup,
  type StoredVersionInventory,
} from '@conveyor/core';

/** One stored payload: where it is, and its `data` (and result) as stored. */
export interface StoredItem {
  queue: string;
  job: string;
  place: StoredPlace;
  /** The envelope, parsed from its JSON (or the raw string when it is not JSON). */
  data: unknown;
  result?: unknown;
}

/** JSON as stored, or the string itself when it is not JSON (reported as no envelope). */
export function parseStored(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

/**
 * Counts stored payloads per (queue, job, version, place) and keeps the
 * first few of each group as samples: the counts say how much depends on
 * a path, the samples let a contract prove one.
 */
export class StoredVersionTally {
  private readonly groups = new Map<string, StoredVersionGroup>();

  constructor(
    private readonly samplesPerGroup: number,
    private readonly source: StoredVersionGroup['source'] = 'redis',
  ) {}

  add(item: StoredItem): void {
    const version = envelopeVersion(item.data);
    const id = JSON.stringify([item.queue, item.job, version, item.place]);
    let group = this.groups.get(id);
    if (!group) {
      group = {
        source: this.source,
        queue: item.queue,
        job: item.job,
        version,
        place: item.place,
        count: 0,
        samples: [],
        resultSamples: [],
      };
      this.groups.set(id, group);
    }
    group.count += 1;
    if (group.samples.length < this.samplesPerGroup)
      group.samples.push(item.data);
    if (
      item.result !== undefined &&
      item.result !== null &&
      group.resultSamples.length < this.samplesPerGroup
    )
      group.resultSamples.push(item.result);
  }

  inventory(): StoredVersionInventory {
    const groups = [...this.groups.values()].sort(
      (a, b) =>
        a.queue.localeCompare(b.queue) ||
        a.job.localeCompare(b.job) ||
        (a.version ?? 0) - (b.version ?? 0) ||
        a.place.localeCompare(b.place),
    );
    return { groups, history: false };
  }
}
