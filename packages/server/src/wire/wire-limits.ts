/**
 * What the API accepts from superjson on the wire. The contract's schemas
 * need Date, Map, Set, BigInt and undefined; `number` carries NaN, ±Infinity
 * and -0 and builds nothing. Every other annotation (typed arrays, classes,
 * custom transformers, RegExp, Symbol, Error, URL) would let a client make
 * the server build objects before any schema looks at them.
 */
export const ALLOWED_ANNOTATIONS = [
  'Date',
  'map',
  'set',
  'bigint',
  'undefined',
  'number',
] as const;

export type AllowedAnnotation = (typeof ALLOWED_ANNOTATIONS)[number];

export interface WireLimits {
  /** Nesting of the JSON value (and of the decoded value): the contract's payloads are shallow; decoding and Zod recurse. */
  maxDepth: number;
  /** Map/Set entries superjson may walk to resolve shared references (it finds the n-th by iterating). */
  maxCollectionSteps: number;
  /** Characters of a BigInt's decimal string: parsing is superlinear in it. */
  maxBigIntDigits: number;
  /** Characters of a Date's string. */
  maxDateLength: number;
}

export const DEFAULT_WIRE_LIMITS: WireLimits = Object.freeze({
  maxDepth: 64,
  maxCollectionSteps: 100_000,
  maxBigIntDigits: 256,
  maxDateLength: 64,
});
