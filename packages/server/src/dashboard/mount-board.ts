import { createBullBoard } from '@bull-board/api';
import type { BaseAdapter } from '@bull-board/api/baseAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BOARD_CSS } from './board-css.ts';

export type Express = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** The board's own font (IBM Plex) comes from a public CDN: a system stack loads nothing. */
const SYSTEM_FONTS = {
  'font-sans':
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  'font-mono':
    "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
};

/** Bull Board's own app over the adapters, at `base`: a plain (req, res, next) handler. */
export function mountBoard(
  adapters: BaseAdapter[],
  base: string,
  who: string,
): Express {
  const board = new ExpressAdapter();
  board.setBasePath(base);
  createBullBoard({
    queues: adapters,
    serverAdapter: board,
    options: {
      uiConfig: {
        boardTitle: 'Conveyor',
        hideDocsLink: true,
        environment: { label: who, color: '#44546a' },
        theme: { light: SYSTEM_FONTS, dark: SYSTEM_FONTS },
        miscLinks: [
          { text: 'Runs console', url: `${base}/console/` },
          { text: 'Job schemas', url: `${base}/schemas` },
          { text: 'Sign out', url: `${base}/logout` },
        ],
      },
    },
  });
  // Bull Board's adapter makes an express app, which names itself in every
  // answer unless told not to (docs/security.md: no answer names the software).
  const app = board.getRouter() as Express & {
    disable(setting: string): unknown;
  };
  app.disable('x-powered-by');
  return (req, res, next) => {
    if (isPage(req.url ?? '/')) rewritePage(res);
    app(req, res, next);
  };
}

function isPage(url: string): boolean {
  const first = url.split(/[/?]/)[1]?.toLowerCase() ?? '';
  return first !== 'api' && first !== 'static';
}

/**
 * Bull Board's page, changed on its way out: no stylesheet from another
 * origin (the CDN font link: offline it fails, online it tells Google who
 * visits), and Conveyor's stylesheet (`board-css.ts`). Express's `send`
 * ends with the whole body, so the rewrite sees all of it.
 */
function rewritePage(res: ServerResponse): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    const html =
      typeof chunk === 'string' || Buffer.isBuffer(chunk)
        ? chunk.toString()
        : null;
    if (html === null || !html.includes('</head>')) return end(chunk, ...rest);
    const page = html
      .replace(/<link[^>]+href="https?:\/\/[^"]*"[^>]*>/g, '')
      .replace('</head>', `<style>${BOARD_CSS}</style></head>`);
    if (!res.headersSent)
      res.setHeader('content-length', Buffer.byteLength(page));
    return end(page, ...rest.filter((a) => typeof a === 'function'));
  }) as ServerResponse['end'];
}
