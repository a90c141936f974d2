import { ConveyorError, formatIssue, toPayloadIssues } from '@conveyor/core';
import type { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

/** What the API says for a refusal whose own text is not Conveyor's to show. */
const WORDS: Partial<Record<TRPCError['code'], string>> = {
  PARSE_ERROR: 'Malformed request: the body is not valid JSON',
  BAD_REQUEST: 'Malformed request',
  NOT_FOUND: 'Not found: no such procedure',
  METHOD_NOT_SUPPORTED:
    'Method not supported: queries and subscriptions use GET, mutations POST',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported content type: send application/json',
  PAYLOAD_TOO_LARGE: 'Request body too large',
  TIMEOUT: 'Request timed out',
  CLIENT_CLOSED_REQUEST: 'Client closed the request',
};

/** Codes only tRPC's transport raises: their text is the framework's (a path, a header), never ours. */
const TRANSPORT_CODES = new Set<TRPCError['code']>([
  'PARSE_ERROR',
  'NOT_FOUND',
  'METHOD_NOT_SUPPORTED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
]);

const CONNECTION_PARAMS_ERRORS = new Set([
  'Not JSON-parsable query params',
  'Invalid connection params shape',
]);

/** tRPC's own 400s, told apart from the API's by their text. */
const TRANSPORT_BAD_REQUESTS: [RegExp, string][] = [
  [
    /^Batch call exceeds maximum size$/,
    'Too many calls in one batched request: send fewer per request (the client batches at most 50)',
  ],
  [/^"input" needs to be an object/, 'Malformed request: batch input'],
  [/^Cannot mix procedure types/, 'Malformed request: mixed procedure types'],
];

/** Issues named in a validation error's message; `data.issues` has them all. */
const ISSUES_IN_MESSAGE = 3;

/**
 * A validation error as one sentence naming each field (Zod's own message is
 * its issue list as pretty-printed JSON, dozens of lines):
 * `Invalid input: data.to: must be E.164; data.message: Too big…`.
 */
function invalidInputMessage(error: ZodError): string {
  const issues = toPayloadIssues(error).map(formatIssue);
  if (issues.length === 0) return 'Invalid input';
  const more = issues.length - ISSUES_IN_MESSAGE;
  return `Invalid input: ${issues.slice(0, ISSUES_IN_MESSAGE).join('; ')}${
    more > 0 ? `; and ${more} more (see data.issues)` : ''
  }`;
}

/**
 * The message a client sees. Conveyor's errors speak for themselves, and
 * Zod's issues are summed up in one sentence; a message the API wrote with no cause is kept. Anything else
 * (an exception's text wrapped by tRPC, "Maximum call stack size exceeded",
 * a library's URL, tRPC's own wording) is replaced by the API's words for the
 * code, and any 5xx says only that the server failed.
 */
export function publicMessage(error: TRPCError, httpStatus: number): string {
  const { cause, code } = error;
  if (cause instanceof ZodError) return invalidInputMessage(cause);
  if (cause instanceof ConveyorError) return error.message;
  if (httpStatus >= 500)
    return code === 'INTERNAL_SERVER_ERROR'
      ? 'Internal server error'
      : 'Service unavailable';
  // tRPC's two refusals of a subscription's `connectionParams` (in the URL).
  if (code === 'PARSE_ERROR' && CONNECTION_PARAMS_ERRORS.has(error.message))
    return 'Malformed connectionParams: send a JSON object of strings ({ "token": "…" })';
  if (cause instanceof SyntaxError) return WORDS.PARSE_ERROR!;
  if (cause === undefined && code === 'BAD_REQUEST') {
    const known = TRANSPORT_BAD_REQUESTS.find(([text]) =>
      text.test(error.message),
    );
    return known ? known[1] : error.message;
  }
  if (cause === undefined && !TRANSPORT_CODES.has(code)) return error.message;
  return WORDS[code] ?? 'Request refused';
}
