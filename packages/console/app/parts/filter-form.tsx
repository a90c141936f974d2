import type { SearchField } from '@conveyor/core';
import { useState, type FormEvent } from 'react';
import { STATES, type CatalogJob } from '../types.ts';
import {
  rowFromText,
  SINCE,
  textFromRow,
  type WhereRow,
} from '../url-filter.ts';
import { withParams } from '../use-url.ts';
import { WhereRowEditor } from './where-row-editor.tsx';

/**
 * The search filter, edited here and applied to the URL on submit: job,
 * typed conditions on its fields, state, since when, error words.
 */
export function FilterForm(props: {
  jobs: readonly CatalogJob[];
  params: URLSearchParams;
  submitLabel: string;
  onApply: (next: URLSearchParams) => void;
}) {
  const { jobs, params } = props;
  const [name, setName] = useState(params.get('name') ?? '');
  const fields: readonly SearchField[] =
    jobs.find((j) => j.name === name)?.searchFields ?? [];
  const [rows, setRows] = useState<WhereRow[]>(() =>
    params.getAll('w').flatMap((t) => rowFromText(fields, t) ?? []),
  );
  const [state, setState] = useState(params.get('state') ?? '');
  const [since, setSince] = useState(params.get('since') ?? '');
  const [text, setText] = useState(params.get('text') ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const w = rows.filter((r) => r.value !== '').map(textFromRow);
    props.onApply(withParams(params, { name, w, state, since, text }));
  };
  const addRow = () => {
    const first = fields[0];
    if (first) setRows([...rows, { path: first.path, op: 'eq', value: '' }]);
  };
  return (
    <form className="filter" onSubmit={submit}>
      <label>
        Job
        <select
          aria-label="job"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setRows([]);
          }}
        >
          <option value="">any job</option>
          {jobs.map((j) => (
            <option key={j.name}>{j.name}</option>
          ))}
        </select>
      </label>
      {rows.map((row, i) => (
        <WhereRowEditor
          key={i}
          fields={fields}
          row={row}
          onChange={(next) => setRows(rows.map((r, j) => (j === i ? next : r)))}
          onRemove={() => setRows(rows.filter((_, j) => j !== i))}
        />
      ))}
      <button type="button" onClick={addRow} disabled={fields.length === 0}>
        + condition
      </button>
      <label>
        State
        <select
          aria-label="state"
          value={state}
          onChange={(e) => setState(e.target.value)}
        >
          <option value="">any state</option>
          {STATES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Since
        <select
          aria-label="since"
          value={since}
          onChange={(e) => setSince(e.target.value)}
        >
          <option value="">last 30 days</option>
          {Object.keys(SINCE).map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Error text
        <input
          aria-label="error text"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <button type="submit">{props.submitLabel}</button>
    </form>
  );
}
