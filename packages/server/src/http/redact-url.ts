/**
 * A request URL fit for a log line: the value of `connectionParams` (where
 * tRPC's `httpSubscriptionLink` puts a watch stream's token) is replaced.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&]connectionParams=)[^&#]*/gi, '$1[redacted]');
}
