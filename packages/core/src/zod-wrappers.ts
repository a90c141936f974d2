/**
 * Zod schema types that wrap one inner schema (`def.innerType`) without
 * changing what a field is: walks over a contract's schemas (search
 * fields, sensitive paths) look through them.
 */
export const ZOD_WRAPPERS: ReadonlySet<string> = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'nonoptional',
  'readonly',
  'catch',
]);
