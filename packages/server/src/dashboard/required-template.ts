interface Schema {
  type?: unknown;
  format?: unknown;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  minimum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
}

/**
 * A starting value for a JSON Schema with only its required fields filled:
 * Bull Board's own template fills optional fields with `""`, which the
 * contract then refuses. Strings start empty (yours to fill), numbers at
 * their minimum, dates at `now`.
 */
export function requiredTemplate(schema: Schema, now: Date): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf?.[0]) return requiredTemplate(schema.anyOf[0], now);
  const type: unknown = Array.isArray(schema.type)
    ? (schema.type as unknown[])[0]
    : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((key) => [
          key,
          requiredTemplate(schema.properties?.[key] ?? {}, now),
        ]),
      );
    case 'array':
      return [];
    case 'number':
    case 'integer':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    case 'string':
      return schema.format === 'date-time' || schema.format === 'date'
        ? now.toISOString().slice(0, schema.format === 'date' ? 10 : undefined)
        : '';
    default:
      return null;
  }
}
