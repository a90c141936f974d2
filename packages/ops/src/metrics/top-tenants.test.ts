import { describe, expect, it } from 'vitest';
import { TopTenants } from './top-tenants.ts';

const rows = (...tenants: string[]) =>
  tenants.map((tenant, i) => ({ queue: 'q', tenant, held: 100 - i }));

describe('TopTenants', () => {
  it('names the largest backlogs, summed over queues; others are other', () => {
    const top = new TopTenants(2);
    top.update([
      { queue: 'a', tenant: 'x', held: 5 },
      { queue: 'b', tenant: 'x', held: 5 },
      { queue: 'a', tenant: 'y', held: 9 },
      { queue: 'a', tenant: 'z', held: 1 },
    ]);
    expect([top.label('x'), top.label('y'), top.label('z')]).toEqual([
      'x',
      'y',
      'other',
    ]);
  });

  it('however the top changes, at most five times its size of names are ever given', () => {
    const top = new TopTenants(2);
    const given = new Set<string>();
    for (let round = 0; round < 50; round += 1) {
      const a = `t${round * 2}`;
      const b = `t${round * 2 + 1}`;
      top.update(rows(a, b));
      given.add(top.label(a)).add(top.label(b));
    }
    given.delete('other');
    expect(given.size).toBe(10);
  });
});
