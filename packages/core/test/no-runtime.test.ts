import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Imports a package in a fresh Node process whose module resolution refuses
 * BullMQ and ioredis: the import fails if anything on its graph loads either.
 */
function importWithoutQueueEngine(specifier: string) {
  const refuse = `export async function resolve(specifier, context, next) {
    const resolved = await next(specifier, context);
    const engine = /\\/node_modules\\/(bullmq|ioredis)\\//.exec(resolved.url);
    if (engine) throw new Error('queue engine loaded: ' + engine[1]);
    return resolved;
  }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(refuse)}));
    const mod = await import(${JSON.stringify(specifier)});
    console.log(Object.keys(mod).length);
  `;
  return spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@conveyor/source',
      '--input-type=module',
      '-e',
      script,
    ],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
}

describe('the contract package', () => {
  it('loads neither bullmq nor ioredis', () => {
    const run = importWithoutQueueEngine('@conveyor/core');
    expect(run.stderr).not.toContain('queue engine loaded');
    expect(run.status).toBe(0);
    expect(Number(run.stdout.trim())).toBeGreaterThan(10);
  });

  it('(the check itself) catches a package that does load them', () => {
    const run = importWithoutQueueEngine('@conveyor/queue');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/queue engine loaded: (bullmq|ioredis)/);
  });
});
