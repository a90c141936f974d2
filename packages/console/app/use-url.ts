import { useCallback, useEffect, useState } from 'react';

/**
 * The page's state is its query string (shareable, reload-safe): this
 * reads it and moves to another (a history entry each, so Back works).
 */
export function useUrl(): [URLSearchParams, (next: URLSearchParams) => void] {
  const [params, setParams] = useState(
    () => new URLSearchParams(window.location.search),
  );
  useEffect(() => {
    const onPop = () => setParams(new URLSearchParams(window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const go = useCallback((next: URLSearchParams) => {
    window.history.pushState(null, '', `?${next.toString()}`);
    setParams(new URLSearchParams(next));
  }, []);
  return [params, go];
}

/** The same params with `changes` set (undefined or '' removes one). */
export function withParams(
  params: URLSearchParams,
  changes: Record<string, string | readonly string[] | undefined>,
): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(changes)) {
    next.delete(key);
    if (typeof value === 'string' && value !== '') next.set(key, value);
    else if (Array.isArray(value))
      for (const v of value as readonly string[]) next.append(key, v);
  }
  return next;
}
