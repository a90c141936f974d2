import { Redis } from 'ioredis';
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or null when it is not JSON. */
  json: unknown;
}

/**
 * One HTTP request exactly as written (any method, any header, any body):
 * `fetch` refuses some methods (TRACE) and rewrites others.
 */
export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Give up on a response still streaming (SSE) after this long, keeping what arrived. */
    timeoutMs?: number;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let partial: RawResponse = { status: 0, headers: {}, text: '', json: null };
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        partial = {
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: '',
          json: null,
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          partial.text = Buffer.concat(chunks).toString('utf8');
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: parseJson(text),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (error) =>
      req.destroyed ? resolve(partial) : reject(error),
    );
    if (options.timeoutMs !== undefined)
      req.setTimeout(options.timeoutMs, () => {
        req.destroy();
        resolve(partial);
      });
    req.end(options.body);
  });
}

/** POST a JSON body to one procedure (or a comma-joined batch with `?batch=1`). */
export function postJson(
  apiUrl: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return rawRequest(`${apiUrl}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Job hashes stored under a prefix (`{prefix}:{queue}:{uuid}`): what an enqueue adds. */
export async function countStoredJobs(
  redisUrl: string,
  prefix: string,
): Promise<number> {
  const keys = await scanKeys(redisUrl, `${prefix}:*`);
  return keys.filter((k) => /:[0-9a-f]{8}-[0-9a-f-]{27}$/.test(k)).length;
}

export async function scanKeys(
  redisUrl: string,
  pattern: string,
): Promise<string[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(
        cursor,
        'MATCH',
        pattern,
        'COUNT',
        1_000,
      );
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}
