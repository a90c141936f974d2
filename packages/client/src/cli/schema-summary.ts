/** The parts of a JSON Schema a one-line summary reads. */
interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/**
 * A JSON Schema as one line a person can type a payload from:
 * `{ to: string, message: string, alertId?: string }`,
 * `"daily" | "weekly"`, `string (date-time)`. Nested objects are spelt
 * out; `--json` has the whole schema.
 */
export function schemaSummary(schema: object): string {
  const s = schema as JsonSchema;
  const options = s.anyOf ?? s.oneOf;
  if (options) return options.map(schemaSummary).join(' | ');
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in s) return JSON.stringify(s.const);
  if (s.properties) {
    const required = new Set(s.required ?? []);
    const fields = Object.entries(s.properties).map(
      ([key, value]) =>
        `${key}${required.has(key) ? '' : '?'}: ${schemaSummary(value)}`,
    );
    return `{ ${fields.join(', ')} }`;
  }
  if (s.type === 'array') {
    const item = s.items ? schemaSummary(s.items) : 'any';
    return item.includes(' | ') ? `(${item})[]` : `${item}[]`;
  }
  const type = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  if (!type) return 'any';
  return s.format ? `${type} (${s.format})` : type;
}
