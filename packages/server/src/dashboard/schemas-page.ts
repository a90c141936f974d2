import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './board-actions.ts';
import type { JobSchemas } from './contract-schemas.ts';
import { escapeHtml } from './escape-html.ts';

interface Property {
  type?: unknown;
  format?: unknown;
  enum?: unknown[];
  anyOf?: Property[];
  items?: Property;
}

/**
 * `{base}/schemas`: a page for a person (per job its queue, defaults and
 * fields), the same contract as JSON for a program (`?format=json`, or any
 * request that does not ask for HTML first).
 */
export function sendSchemas(
  req: IncomingMessage,
  res: ServerResponse,
  schemas: Record<string, JobSchemas>,
): void {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  const format = url.searchParams.get('format');
  const wantsHtml =
    format === 'html' ||
    (format !== 'json' &&
      (req.headers.accept ?? '').split(',')[0]?.trim() === 'text/html');
  if (!wantsHtml) return sendJson(res, 200, schemas);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(schemasPage(schemas));
}

function schemasPage(schemas: Record<string, JobSchemas>): string {
  const jobs = Object.entries(schemas)
    .map(([name, job]) => jobSection(name, job))
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Conveyor: job schemas</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d232b; }
  section { border: 1px solid #d5d9e0; border-radius: 6px; padding: 0 1rem 1rem; margin-bottom: 1rem; }
  table { border-collapse: collapse; } td, th { text-align: left; padding: .25rem .75rem .25rem 0; }
  code { font-family: ui-monospace, monospace; }
</style>
</head>
<body>
<h1>Job schemas</h1>
<p>The contract each job is checked against. As JSON: <a href="?format=json">?format=json</a>.</p>
${jobs}
</body>
</html>`;
}

function jobSection(name: string, job: JobSchemas): string {
  const input = job.input as {
    properties?: Record<string, Property>;
    required?: string[];
  };
  const required = new Set(input.required ?? []);
  const rows = Object.entries(input.properties ?? {})
    .map(
      ([field, schema]) =>
        `<tr><td><code>${escapeHtml(field)}</code></td><td>${escapeHtml(typeName(schema))}</td><td>${required.has(field) ? 'required' : 'optional'}</td></tr>`,
    )
    .join('');
  const defaults = Object.entries(job.defaults)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
  return `<section data-job="${escapeHtml(name)}">
<h2><code>${escapeHtml(name)}</code></h2>
<p>Queue <code>${escapeHtml(job.queue)}</code>. Defaults: ${escapeHtml(defaults || 'none')}.</p>
<table><thead><tr><th>Field</th><th>Type</th><th></th></tr></thead><tbody>${rows || '<tr><td colspan="3">No fields</td></tr>'}</tbody></table>
</section>`;
}

function typeName(schema: Property): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(typeName).join(' | ');
  if (schema.type === 'array' && schema.items)
    return `${typeName(schema.items)}[]`;
  const type = Array.isArray(schema.type)
    ? schema.type.join(' | ')
    : typeof schema.type === 'string'
      ? schema.type
      : 'any';
  return typeof schema.format === 'string'
    ? `${type} (${schema.format})`
    : type;
}
