/**
 * Bound children of a metric (`counter.labels(...)`), made once per label
 * tuple and reused: the job path then does map lookups, not a labels object
 * and its validation per job. Nested maps, so no key string is built either.
 */
export class ChildCache<TChild> {
  private readonly root = new Map<string, unknown>();

  constructor(private readonly make: (...values: string[]) => TChild) {}

  get(...values: string[]): TChild {
    let level = this.root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      const value = values[i] ?? '';
      let next = level.get(value) as Map<string, unknown> | undefined;
      if (!next) {
        next = new Map<string, unknown>();
        level.set(value, next);
      }
      level = next;
    }
    const leaf = values[last] ?? '';
    let child = level.get(leaf) as TChild | undefined;
    if (child === undefined) {
      child = this.make(...values);
      level.set(leaf, child);
    }
    return child;
  }
}
