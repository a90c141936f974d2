import type { SensitivePath } from './sensitive-paths.ts';

/**
 * How a sealed (encrypted) value is stored in place of the plain one:
 * `cvs1.<key id>.<iv>.<ciphertext and tag>`, base64url parts. Readers
 * without the key show it as `REDACTED`.
 */
export const SEALED_PREFIX = 'cvs1.';
export const REDACTED = '[sensitive]';

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/** A copy of `value` with each value at `paths` replaced by `seal(value)` (absent ones stay absent). */
export function mapAtPaths(
  value: unknown,
  paths: readonly SensitivePath[],
  seal: (plain: unknown) => unknown,
): unknown {
  let out = value;
  for (const path of paths) out = mapAt(out, path, 0, seal);
  return out;
}

function mapAt(
  value: unknown,
  path: SensitivePath,
  at: number,
  fn: (plain: unknown) => unknown,
): unknown {
  if (at === path.length) return value === undefined ? value : fn(value);
  if (typeof value !== 'object' || value === null) return value;
  const key = path[at]!;
  if (key === '*')
    return Array.isArray(value)
      ? value.map((item) => mapAt(item, path, at + 1, fn))
      : value;
  if (key === '%') {
    if (Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(value))
      out[k] = mapAt(child, path, at + 1, fn);
    return out;
  }
  if (Array.isArray(value)) {
    // A tuple's item by index.
    const index = Number(key);
    if (!Number.isInteger(index) || index >= value.length) return value;
    const copy: unknown[] = (value as unknown[]).slice();
    copy[index] = mapAt(copy[index], path, at + 1, fn);
    return copy;
  }
  if (!Object.hasOwn(value, key)) return value;
  const child = (value as Record<string, unknown>)[key];
  return { ...value, [key]: mapAt(child, path, at + 1, fn) };
}

/** `[sensitive]` at every path (whatever is there, sealed or not), and every sealed value elsewhere. */
export function redactAt(
  value: unknown,
  paths: readonly SensitivePath[],
): unknown {
  return redactSealed(mapAtPaths(value, paths, () => REDACTED));
}

/** A copy with every sealed value anywhere in `value` replaced by `open(token)`. */
export function mapSealed(
  value: unknown,
  open: (token: string) => unknown,
  depth = 0,
): unknown {
  if (isSealed(value)) return open(value);
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (Array.isArray(value))
    return value.map((item) => mapSealed(item, open, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value))
    out[key] = mapSealed(child, open, depth + 1);
  return out;
}

/** What a reader without the key (or the right) sees: every sealed value as `[sensitive]`. */
export function redactSealed(value: unknown): unknown {
  return mapSealed(value, () => REDACTED);
}
