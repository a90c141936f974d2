import { TRPCError } from '@trpc/server';
import { trpcConfig } from '../trpc.ts';

/** Each call's decoded input by batch index, as tRPC keeps them (no prototype). */
export type CallInputs = Record<number, unknown>;

export interface LazyInputs {
  /** Reads, parses and decodes the body once, for every call of the request. */
  read(): Promise<CallInputs>;
  /** The inputs if they were read and decoded (for `onError` and the error formatter). */
  result(): CallInputs | undefined;
}

const { transformer } = trpcConfig;

/**
 * The inputs of one request, exactly as tRPC's JSON content handler makes
 * them: read only when the first procedure asks for its input (after the
 * context and the auth middlewares), parsed once, each call's input decoded
 * by the router's transformer (the guarded superjson, with its wire limits).
 * A failure is the same error for every call that reads: a `TRPCError` as
 * thrown, anything else a `BAD_REQUEST` carrying its message.
 */
export function lazyInputs(
  body: Promise<string>,
  batch: { calls: number } | null,
): LazyInputs {
  let promise: Promise<CallInputs> | null = null;
  let value: CallInputs | undefined;
  return {
    read: async () => {
      if (value !== undefined) return value;
      promise ??= decodeInputs(body, batch).catch((cause: unknown) => {
        if (cause instanceof TRPCError) throw cause;
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: cause instanceof Error ? cause.message : 'Invalid input',
          cause,
        });
      });
      value = await promise;
      promise = null;
      return value;
    },
    result: () => value,
  };
}

async function decodeInputs(
  body: Promise<string>,
  batch: { calls: number } | null,
): Promise<CallInputs> {
  const text = await body;
  const inputs: unknown = text ? JSON.parse(text) : undefined;
  const decoded: CallInputs = Object.create(null) as CallInputs;
  if (inputs === undefined) return decoded;
  if (!batch) {
    decoded[0] = transformer.input.deserialize(inputs);
    return decoded;
  }
  if (!isObject(inputs))
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: '"input" needs to be an object when doing a batch call',
    });
  for (let index = 0; index < batch.calls; index++) {
    const input = inputs[index];
    if (input !== undefined)
      decoded[index] = transformer.input.deserialize(input);
  }
  return decoded;
}

function isObject(value: unknown): value is Record<number, unknown> {
  return !!value && !Array.isArray(value) && typeof value === 'object';
}
