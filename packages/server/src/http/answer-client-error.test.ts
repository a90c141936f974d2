import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientError } from './answer-client-error.ts';

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok'));
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function get(path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`http://127.0.0.1:${port}${path}`, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code ?? error.message),
    );
    req.end();
  });
}

describe('answerClientError', () => {
  it('answers a URL far past the header limit with a readable 431, not a reset', async () => {
    // 120 KB: more than the parser reads before refusing, so bytes stay unread.
    const input = encodeURIComponent(
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    );
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => get(`/trpc/x?input=${input}`)),
    );
    expect(answers).toEqual([431, 431, 431, 431, 431]);
    expect(await get('/after')).toBe(200);
  });

  it('answers a malformed request line with 400 and closes the connection', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.end('NOT HTTP AT ALL\r\n\r\n');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    await new Promise((resolve) => socket.on('close', resolve));
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain('Connection: close');
  });
});
