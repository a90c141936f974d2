/** One sample's value from Prometheus text exposition (0 when the series is absent). */
export function metricSample(
  text: string,
  name: string,
  labels: Record<string, string>,
): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)),
    );
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ')));
}
