const DAY_MS = 86_400_000;

let cachedDay = Number.NaN;
let cachedPrefix = '';

const two = (n: number) => (n < 10 ? `0${n}` : String(n));
const three = (n: number) =>
  n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);

/**
 * `new Date(ms).toISOString()`, the same text, at a fraction of its cost: a
 * batch's times share a day, whose `YYYY-MM-DDT` is formatted once. What
 * is no valid time goes through Date, to fail as it did.
 */
export function isoTime(ms: number): string {
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > 8.64e15)
    return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, -13);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1_000);
  return `${cachedPrefix}${two(hours)}:${two(minutes)}:${two(seconds)}.${three(rest - seconds * 1_000)}Z`;
}
