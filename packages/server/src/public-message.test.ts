import { JobNotFoundError } from '@conveyor/core';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { publicMessage } from './public-message.ts';
import { WireFormatError } from './wire/wire-format-error.ts';

const wrapped = (code: TRPCError['code'], cause: unknown) =>
  new TRPCError({
    code,
    message: cause instanceof Error ? cause.message : 'x',
    cause,
  });

describe('publicMessage', () => {
  it("keeps Conveyor's messages and those the API wrote itself", () => {
    const notFound = new JobNotFoundError('abc');
    expect(publicMessage(wrapped('NOT_FOUND', notFound), 404)).toBe(
      'No job with id "abc"',
    );
    const wire = new WireFormatError('Unsupported superjson type "class"');
    expect(publicMessage(wrapped('BAD_REQUEST', wire), 400)).toBe(wire.message);
    const own = new TRPCError({ code: 'FORBIDDEN', message: 'Admins only' });
    expect(publicMessage(own, 403)).toBe('Admins only');
  });

  it('replaces wrapped exception text with the API words for the code', () => {
    const overflow = new RangeError('Maximum call stack size exceeded');
    expect(publicMessage(wrapped('BAD_REQUEST', overflow), 400)).toBe(
      'Malformed request',
    );
    const json = new SyntaxError('Unexpected token } in JSON at position 3');
    expect(publicMessage(wrapped('BAD_REQUEST', json), 400)).toBe(
      'Malformed request: the body is not valid JSON',
    );
  });

  it('names connectionParams when tRPC refuses them', () => {
    for (const message of [
      'Not JSON-parsable query params',
      'Invalid connection params shape',
    ])
      expect(
        publicMessage(
          new TRPCError({ code: 'PARSE_ERROR', message, cause: new Error() }),
          400,
        ),
      ).toMatch(/^Malformed connectionParams/);
  });

  it("replaces tRPC's own wording, which may echo the request", () => {
    const noSuch = new TRPCError({
      code: 'NOT_FOUND',
      message: 'No procedure found on path "<script>"',
    });
    expect(publicMessage(noSuch, 404)).toBe('Not found: no such procedure');
    const batch = new TRPCError({
      code: 'BAD_REQUEST',
      message: 'Batch call exceeds maximum size',
    });
    expect(publicMessage(batch, 400)).toMatch(/^Too many calls in one batch/);
  });

  it('says only that the server failed for any 5xx', () => {
    const redis = new Error('WRONGTYPE Operation against a key');
    expect(publicMessage(wrapped('INTERNAL_SERVER_ERROR', redis), 500)).toBe(
      'Internal server error',
    );
  });
});
