/**
 * The candidate closest to a mistyped word, if one is close enough to be
 * what was meant: a typo or two (edit distance, a swap counting once), or
 * a prefix of at least three letters. Case does not count (`SMS.SEND`
 * means `sms.send`); the candidate comes back as it is spelt.
 */
export function closest(
  input: string,
  candidates: Iterable<string>,
): string | undefined {
  const typed = input.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance =
      typed.length >= 3 && typed !== lower && lower.startsWith(typed)
        ? 1
        : editDistance(typed, lower);
    if (distance < (best?.distance ?? Infinity)) best = { candidate, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.min(2, Math.floor(input.length / 3)));
  return best.distance <= allowed ? best.candidate : undefined;
}

/** Optimal string alignment: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) =>
      i === 0 ? j : j === 0 ? i : 0,
    ),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i += 1)
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        at(i - 1, j) + 1,
        at(i, j - 1) + 1,
        at(i - 1, j - 1) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = d;
    }
  return at(a.length, b.length);
}
