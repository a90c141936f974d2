import { SEARCH_OPS, type SearchField, type SearchOp } from '@conveyor/core';
import { OP_TEXT, type WhereRow } from '../url-filter.ts';

/** One condition: a field of the job's, an operator its kind takes, a value of its type. */
export function WhereRowEditor(props: {
  fields: readonly SearchField[];
  row: WhereRow;
  onChange: (row: WhereRow) => void;
  onRemove: () => void;
}) {
  const { fields, row, onChange } = props;
  const field = fields.find((f) => f.path === row.path) ?? fields[0];
  const ops = field ? SEARCH_OPS[field.kind] : [];
  return (
    <div className="where-row">
      <select
        aria-label="field"
        value={row.path}
        onChange={(e) => {
          const next = fields.find((f) => f.path === e.target.value);
          onChange({
            path: e.target.value,
            op: next ? (SEARCH_OPS[next.kind][0] ?? 'eq') : 'eq',
            value: '',
          });
        }}
      >
        {fields.map((f) => (
          <option key={f.path} value={f.path}>
            {f.path} ({f.kind})
          </option>
        ))}
      </select>
      <select
        aria-label="operator"
        value={row.op}
        onChange={(e) => onChange({ ...row, op: e.target.value as SearchOp })}
      >
        {ops.map((op) => (
          <option key={op} value={op}>
            {OP_TEXT[op]}
          </option>
        ))}
      </select>
      <ValueInput
        field={field}
        value={row.value}
        onChange={(value) => onChange({ ...row, value })}
      />
      <button
        type="button"
        onClick={props.onRemove}
        aria-label="remove condition"
      >
        ×
      </button>
    </div>
  );
}

function ValueInput(props: {
  field: SearchField | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  const { field, value, onChange } = props;
  const choices =
    field?.kind === 'boolean'
      ? ['true', 'false']
      : field?.kind === 'enum'
        ? (field.values ?? [])
        : null;
  if (choices)
    return (
      <select
        aria-label="value"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">choose…</option>
        {choices.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
    );
  const type =
    field?.kind === 'number'
      ? 'number'
      : field?.kind === 'date'
        ? 'datetime-local'
        : 'text';
  return (
    <input
      aria-label="value"
      type={type}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
