/**
 * Typed search filters over a job's payload (`data.*`) and result
 * (`result.*`). The fields and operators offered come from the job's Zod
 * schemas: a path the job does not have, or an operator its type does not
 * take, does not compile (and is a 400 at run time, `parseWhere`).
 */

/** What a searchable field holds; decides the operators it takes. */
export type SearchKind = 'string' | 'enum' | 'number' | 'date' | 'boolean';

export type SearchOp = 'eq' | 'prefix' | 'gt' | 'gte' | 'lt' | 'lte';

/** Operators by kind: equality for all, ranges for numbers and dates, prefix for free strings. */
export const SEARCH_OPS: Record<SearchKind, readonly SearchOp[]> = {
  string: ['eq', 'prefix'],
  enum: ['eq'],
  boolean: ['eq'],
  number: ['eq', 'gt', 'gte', 'lt', 'lte'],
  date: ['eq', 'gt', 'gte', 'lt', 'lte'],
};

/** A leaf of a schema a filter may name: `data.to`, `result.sid`, `data.user.id`. */
export interface SearchField {
  /** Dotted, starting with `data` or `result`. */
  path: string;
  kind: SearchKind;
  /** `enum`: the values it may take. */
  values?: readonly string[];
}

/** One checked condition, as the history store turns it into SQL. */
export interface FieldCondition {
  source: 'data' | 'result';
  /** Keys below the source (empty: the result itself is the scalar). */
  keys: readonly string[];
  kind: SearchKind;
  op: SearchOp;
  /** Dates as ISO strings: how superjson stores them in the payload's JSON. */
  value: string | number | boolean;
}

type Ranged<V> = { eq?: V; gt?: V; gte?: V; lt?: V; lte?: V };

/** The condition a field of type `V` takes. */
export type ConditionFor<V> = [V] extends [Date]
  ? Ranged<Date>
  : [V] extends [number]
    ? Ranged<number>
    : [V] extends [boolean]
      ? { eq?: boolean }
      : [V] extends [string]
        ? string extends V
          ? { eq?: string; prefix?: string }
          : { eq?: V }
        : never;

type Scalar = string | number | boolean | Date;
/** Nesting followed below `data` / `result` (as `searchFields` does). */
type MaxDepth = 4;

/** `[path, type]` for every scalar leaf of `T` below `P`. */
export type SearchEntries<
  T,
  P extends string,
  D extends unknown[] = [],
> = D['length'] extends MaxDepth
  ? never
  : NonNullable<T> extends infer V
    ? V extends Scalar
      ? [P, V]
      : V extends readonly unknown[]
        ? never
        : V extends object
          ? {
              [K in keyof V & string]-?: SearchEntries<
                V[K],
                `${P}.${K}`,
                [...D, 1]
              >;
            }[keyof V & string]
          : never
    : never;

/** A job's `where`: each searchable path of its input and result, with the operators its type takes. */
export type WhereFor<TInput, TResult> = WhereOfEntries<
  SearchEntries<TInput, 'data'> | SearchEntries<TResult, 'result'>
>;

type WhereOfEntries<E extends [string, unknown]> = {
  [K in E[0]]?: ConditionFor<Extract<E, [K, unknown]>[1]>;
};
