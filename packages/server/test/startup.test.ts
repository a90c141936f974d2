import { spawnTsProcess } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';

const main = fileURLToPath(new URL('fixtures/fixture-api.ts', import.meta.url));

describe('the API process at startup', () => {
  it('refuses to listen beyond loopback without API tokens, and says what to do', async () => {
    const { CONVEYOR_ADMIN_TOKEN: _unset, ...env } = process.env;
    const api = spawnTsProcess(main, {
      env: {
        ...env,
        REDIS_URL: inject('redisUrl'),
        API_HOST: '0.0.0.0',
        API_PORT: '0',
      },
    });
    expect(await api.exited).toBe(1);
    const output = api.lines.map((l) => l.text).join('\n');
    expect(output).toContain(
      'Refusing to listen on 0.0.0.0 without API tokens',
    );
    expect(output).toContain('CONVEYOR_ADMIN_TOKEN');
    expect(output).not.toContain('listening');
  });
});
