import { assertPublicUrl } from '@conveyor/webhooks';
import { NonRetryableError, RetryLaterError } from '@conveyor/worker';

export interface FetchFeedOptions {
  /** The job's signal: a cancel or the attempt's timeout stops the download. */
  signal: AbortSignal;
  /** For the whole exchange, headers to last byte: a server that trickles is a failure too. */
  timeoutMs: number;
  /** Larger bodies are refused while they stream, not after they are in memory. */
  maxBytes: number;
  /**
   * FEED_ALLOW_PRIVATE: feeds on loopback, private or reserved addresses.
   * Off by default: a producer names the URL, and the worker must not become
   * its way into the internal network (cloud metadata, admin ports).
   */
  allowPrivate?: boolean;
}

/** Hops followed; each one is checked like the first. */
const MAX_REDIRECTS = 5;

export const FEED_FETCH_DEFAULTS = {
  timeoutMs: 20_000,
  maxBytes: 5 * 1_024 * 1_024,
} as const;

/** When a server says "slow down" without saying until when. */
const DEFAULT_RETRY_AFTER_MS = 60_000;

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

/**
 * GETs a feed document as text. Its errors tell the worker what to do next:
 * 4xx and a refused size fail the job (asking again gives the same answer),
 * 429 waits as long as the server asks, 5xx, timeouts and network errors
 * are retried with the job's backoff.
 */
export async function fetchFeed(
  url: string,
  options: FetchFeedOptions,
): Promise<string> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetchChecked(url, options, timeout);
    if (!response.ok) {
      await response.body?.cancel();
      throw statusError(url, response);
    }
    return await readText(url, response, options.maxBytes);
  } catch (error) {
    // A cancel or the attempt's deadline: the worker reports it as such.
    if (options.signal.aborted) throw options.signal.reason;
    if (error instanceof NonRetryableError || error instanceof RetryLaterError)
      throw error;
    const why = timeout.aborted
      ? `no complete answer within ${options.timeoutMs} ms`
      : describe(error);
    throw new Error(`${url}: ${why}`, { cause: error });
  }
}

/**
 * Follows redirects by hand, checking every hop's address first. The check
 * resolves the host and fetch resolves it again, so a DNS answer that
 * changes in between is not caught here (webhook deliveries, which connect
 * through the checked lookup, are); the private-address refusal still stops
 * every URL and redirect a producer can name.
 */
async function fetchChecked(
  url: string,
  options: FetchFeedOptions,
  timeout: AbortSignal,
): Promise<Response> {
  let next = url;
  for (let hop = 0; ; hop += 1) {
    if (!/^https?:$/.test(new URL(next).protocol))
      throw new NonRetryableError(`${url}: redirected to a non-HTTP URL`);
    await assertPublicUrl(next, {
      allowPrivate: options.allowPrivate ?? false,
    }).catch((error: unknown) => {
      throw new NonRetryableError(
        `${next}: ${(error as Error).message.replace(/webhooks may only.*$/, 'feeds are fetched from public addresses only (FEED_ALLOW_PRIVATE allows them)')}`,
      );
    });
    const response = await fetch(next, {
      signal: AbortSignal.any([options.signal, timeout]),
      headers: { accept: ACCEPT, 'user-agent': 'Conveyor feed.sync' },
      redirect: 'manual',
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location)
      return response;
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS)
      throw new NonRetryableError(
        `${url}: more than ${MAX_REDIRECTS} redirects`,
      );
    next = new URL(location, next).toString();
  }
}

function statusError(url: string, response: Response): Error {
  const what = `${url} answered ${response.status} ${response.statusText}`;
  const retryAfter = retryAfterMs(response.headers.get('retry-after'));
  if (response.status === 429 || (response.status === 503 && retryAfter))
    return new RetryLaterError(what, retryAfter ?? DEFAULT_RETRY_AFTER_MS);
  // 408 is the server giving up on a slow request: worth another try.
  if (
    response.status >= 400 &&
    response.status < 500 &&
    response.status !== 408
  )
    return new NonRetryableError(what);
  return new Error(what);
}

/** Retry-After is seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(
  value: string | null,
  now = Date.now(),
): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

async function readText(
  url: string,
  response: Response,
  maxBytes: number,
): Promise<string> {
  const tooLarge = () =>
    new NonRetryableError(`${url}: the feed is larger than ${maxBytes} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // A body without Content-Length (or lying about it) is counted as it comes.
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined =
    response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return decode(Buffer.concat(chunks), response.headers.get('content-type'));
}

/** In the charset the server names, else the XML declaration names, else UTF-8. */
function decode(bytes: Buffer, contentType: string | null): string {
  const prolog = bytes.subarray(0, 200).toString('latin1');
  const label =
    /charset="?([\w-]+)/i.exec(contentType ?? '')?.[1] ??
    /^<\?xml[^>]*encoding=["']([\w-]+)/i.exec(prolog)?.[1] ??
    'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    // A label this runtime does not know: UTF-8 is the feeds' default.
    return bytes.toString('utf8');
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici hides the socket's error (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
