import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import {
  assertPublicUrl,
  guardedLookup,
  urlHost,
  type AddressPolicy,
} from './ssrf-guard.ts';

export interface PostOptions {
  headers: Record<string, string>;
  /** The whole exchange, connect to response headers. */
  timeoutMs: number;
  policy: AddressPolicy;
}

/**
 * POSTs a delivery and resolves with the receiver's status (its body is not
 * read). Connects only to an address the guard checked: an IP literal before
 * the request, a host name in the socket's own lookup. Redirects are not
 * followed: a 3xx is a failed attempt, like any status but 2xx.
 */
export async function postWebhook(
  url: string,
  body: string,
  options: PostOptions,
): Promise<number> {
  if (isIP(urlHost(url))) await assertPublicUrl(url, options.policy);
  const send = url.startsWith('https:') ? https.request : http.request;
  return new Promise<number>((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Conveyor-Webhooks/1',
        },
        lookup: guardedLookup(options.policy),
        signal: AbortSignal.timeout(options.timeoutMs),
        // A fresh connection per delivery: nothing pooled outlives the check.
        agent: false,
      },
      (response) => {
        resolve(response.statusCode ?? 0);
        response.destroy();
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.name === 'AbortError'
          ? new Error(`No answer within ${options.timeoutMs} ms`)
          : error,
      ),
    );
    request.end(body);
  });
}
