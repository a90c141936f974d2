import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MetricsEnvShape } from './metrics-env.ts';

const schema = z.object(MetricsEnvShape);

describe('MetricsEnvShape', () => {
  it('defaults to an open endpoint without tenant labels; `METRICS_TOKEN=` means unset', () => {
    expect(schema.parse({})).toEqual({ METRICS_TENANT_LABELS: false });
    expect(schema.parse({ METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
  });

  it('takes a long enough URL-safe token and the tenant switch', () => {
    expect(
      schema.parse({
        METRICS_TOKEN: 'abcdefghijklmnop-0123',
        METRICS_TENANT_LABELS: 'true',
      }),
    ).toEqual({
      METRICS_TOKEN: 'abcdefghijklmnop-0123',
      METRICS_TENANT_LABELS: true,
    });
  });

  it('refuses a short token, one with spaces, and a tenant switch that is not true/false', () => {
    expect(schema.safeParse({ METRICS_TOKEN: 'short' }).success).toBe(false);
    expect(
      schema.safeParse({ METRICS_TOKEN: 'has a space in it, long enough' })
        .success,
    ).toBe(false);
    expect(schema.safeParse({ METRICS_TENANT_LABELS: 'yes' }).success).toBe(
      false,
    );
  });
});
