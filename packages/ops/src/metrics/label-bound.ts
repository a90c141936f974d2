/** The label value that stands for every value past a bound. */
export const OTHER_LABEL = 'other';

/**
 * Keeps a label's values few: values in `known` pass, and so do the first
 * `limit` others seen; every later one becomes `other`. A series per value
 * lives for the whole process, so an unbounded label (tenants, names from
 * jobs no contract declares) would grow the scrape and the memory for ever.
 */
export class LabelBound {
  private readonly seen = new Set<string>();

  constructor(
    private readonly known: ReadonlySet<string>,
    private readonly limit: number,
  ) {}

  label(value: string): string {
    if (this.known.has(value) || this.seen.has(value)) return value;
    if (this.seen.size >= this.limit) return OTHER_LABEL;
    this.seen.add(value);
    return value;
  }
}
