/**
 * A request URL fit for a log line: the value of `connectionParams` (where
 * tRPC's `httpSubscriptionLink` puts a watch stream's token) is replaced,
 * however its name is percent-encoded (tRPC decodes it either way).
 */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const kept = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0] ?? '';
      return decodedName(name) === 'connectionparams'
        ? `${name}=[redacted]`
        : pair;
    });
  return `${url.slice(0, query)}?${kept.join('&')}`;
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}
