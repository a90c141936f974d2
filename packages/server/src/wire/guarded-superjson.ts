import { measureValue } from './measure-value.ts';
import { isPlainJson } from './plain-json.ts';
import { TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { checkReferentialEqualities } from './referential-equalities.ts';
import { checkValueAnnotations } from './value-annotations.ts';
import { DEFAULT_WIRE_LIMITS, type WireLimits } from './wire-limits.ts';
import { WireFormatError } from './wire-format-error.ts';

const META_KEYS = new Set(['values', 'referentialEqualities', 'v']);

/**
 * Decodes one call's input (`{ json, meta? }`) from an untrusted client.
 * Everything superjson would act on is checked first, without recursion and
 * without building anything: the shape, the nesting depth, each annotation's
 * type and target, the shared references. Then superjson decodes, and the
 * result is measured once more: resolved, the shared references may make
 * it no larger than what was sent (a reference bomb, a few bytes naming an
 * object from many places, is refused however few paths it takes).
 */
export function deserializeUntrusted(
  payload: unknown,
  limits: WireLimits = DEFAULT_WIRE_LIMITS,
): unknown {
  if (!isRecord(payload) || !Object.hasOwn(payload, 'json'))
    throw new WireFormatError('Each input must be superjson: { json, meta? }');
  const extra = Object.keys(payload).find((k) => k !== 'json' && k !== 'meta');
  if (extra !== undefined)
    throw new WireFormatError('Each input must be superjson: { json, meta? }');
  const { json, meta } = payload;
  const nodes = measureJson(json, limits);
  // Without annotations superjson only copies `json`; the payload is what
  // JSON.parse just made for this call and nothing else holds it (as in
  // superjson's own `parse`), so no copy is needed.
  if (meta === undefined)
    return superjson.deserialize({ json } as never, { inPlace: true });
  if (!isRecord(meta) || Object.keys(meta).some((k) => !META_KEYS.has(k)))
    throw new WireFormatError('Malformed superjson meta');
  if (meta.v !== undefined && meta.v !== 1)
    throw new WireFormatError('Unsupported superjson meta version');
  const legacy = meta.v === undefined;
  const annotations =
    meta.values === undefined
      ? []
      : checkValueAnnotations(json, meta.values, legacy, limits);
  if (meta.referentialEqualities !== undefined)
    checkReferentialEqualities(json, meta.referentialEqualities, annotations, {
      legacy,
      jsonNodes: nodes,
      maxCollectionSteps: limits.maxCollectionSteps,
    });
  const value = superjson.deserialize({ json, meta } as never);
  measureValue(value, { maxDepth: limits.maxDepth, maxNodes: nodes });
  return value;
}

function measureJson(json: unknown, limits: WireLimits): number {
  return measureValue(
    json,
    { maxDepth: limits.maxDepth, maxNodes: Number.POSITIVE_INFINITY },
    refuseProtoKey,
  );
}

/** superjson's copy would assign it, giving the decoded object a client-chosen prototype. */
function refuseProtoKey(node: unknown): void {
  if (isRecord(node) && Object.hasOwn(node, '__proto__'))
    throw new WireFormatError('"__proto__" is not allowed as a key');
}

/**
 * The API's tRPC transformer: inputs are decoded by `deserializeUntrusted`
 * (a refusal is a 400 whose message says why), outputs are plain superjson.
 * The wire format is unchanged, so any superjson client still works.
 */
export function createGuardedTransformer(
  limits: WireLimits = DEFAULT_WIRE_LIMITS,
) {
  return {
    input: {
      serialize: (value: unknown) => superjson.serialize(value),
      deserialize: (payload: unknown) => {
        try {
          return deserializeUntrusted(payload, limits);
        } catch (error) {
          throw toBadRequest(error);
        }
      },
    },
    output: {
      // Byte for byte what superjson writes (test: plain-json.test.ts).
      serialize: (value: unknown) =>
        isPlainJson(value) ? { json: value } : superjson.serialize(value),
      deserialize: (payload: unknown) =>
        superjson.deserialize(payload as never),
    },
  };
}

/** Whatever superjson throws on input that passed the checks is still the client's fault, in the API's words. */
function toBadRequest(error: unknown): TRPCError {
  const cause =
    error instanceof WireFormatError
      ? error
      : new WireFormatError('Input cannot be decoded as superjson', {
          cause: error,
        });
  return new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
