import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { ServerResponse } from 'node:http';
import { escapeHtml } from './escape-html.ts';

/**
 * The console's pages load only from this origin: no inline script, no
 * other host, nothing framed. Styles are files too (Vite emits none inline).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * Where the console's built files are: the option, else the installed
 * `@conveyor/console` package's `dist/app` (an optional peer: resolved,
 * never imported, so the server runs without it). Null when neither has an
 * `index.html` (not installed, or not built).
 */
export function findConsoleAssets(option: string | false | undefined) {
  if (option === false) return null;
  const dir = option ?? installedConsoleDir();
  return dir && existsSync(join(dir, 'index.html')) ? dir : null;
}

function installedConsoleDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    // Its entry is dist/index.js (present once built); the app sits beside it.
    return join(dirname(require.resolve('@conveyor/console')), 'app');
  } catch {
    return null;
  }
}

/**
 * A file of the console's (`segments` below `<base>/console/`), or its
 * page for any other path (the app reads its state from the query string).
 * Hashed assets are cached for good; the page never (it names them).
 */
export function sendConsoleFile(
  res: ServerResponse,
  dir: string | null,
  segments: readonly string[],
  page: ConsolePage,
): void {
  const { base } = page;
  res.setHeader('content-security-policy', CONSOLE_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  if (!dir) return sendMissing(res, base);
  const file = fileWithin(dir, segments);
  if (file && segments[0] === 'assets') {
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    return sendFile(res, file);
  }
  if (file && segments.length > 0) return sendFile(res, file);
  if (segments[0] === 'assets') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  // Who signed in, for what the page offers (a viewer gets no action
  // buttons); the API checks every call again regardless.
  const who = JSON.stringify({ role: page.role, tenant: page.tenant });
  const html = readFileSync(join(dir, 'index.html'), 'utf8').replace(
    '<head>',
    `<head><base href="${escapeHtml(base)}/console/">` +
      `<meta name="conveyor-principal" content="${escapeHtml(who)}">`,
  );
  res.writeHead(200, { 'content-type': TYPES['.html'] });
  res.end(html);
}

/** The page's setting: the dashboard's base and who asks for it. */
export interface ConsolePage {
  base: string;
  role: string;
  tenant: string;
}

/** The file the segments name, only inside `dir` and only a regular file. */
function fileWithin(dir: string, segments: readonly string[]): string | null {
  if (segments.some((s) => s === '..' || s.includes(sep) || s.includes('\0')))
    return null;
  const file = normalize(join(dir, ...segments));
  if (!file.startsWith(normalize(dir + sep))) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

function sendFile(res: ServerResponse, file: string): void {
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, { 'content-type': type });
  res.end(readFileSync(file));
}

function sendMissing(res: ServerResponse, base: string): void {
  res.writeHead(404, { 'content-type': TYPES['.html'] });
  res.end(
    `<!doctype html><title>Console not built</title><h1>The runs console is not built</h1>` +
      `<p>Install <code>@conveyor/console</code> beside <code>@conveyor/server</code>, ` +
      `or in this repository run <code>yarn build</code>, then reload.</p>` +
      `<p><a href="${escapeHtml(base)}">Back to the dashboard</a></p>`,
  );
}
