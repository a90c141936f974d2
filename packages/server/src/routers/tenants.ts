import { TenantIdSchema } from '@conveyor/core';
import { MAX_WEIGHT } from '@conveyor/queue';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc.ts';

const Tenant = z.strictObject({ tenantId: TenantIdSchema });

/** Per-tenant limits: unfinished jobs (quota), enqueue rate, runtime schedules, fair-share weight. */
export const tenantsRouter = {
  limits: adminProcedure
    .input(Tenant)
    .query(({ ctx, input }) => ctx.tenants.limits(input.tenantId)),

  /** `null` lifts a limit. */
  setLimits: adminProcedure
    .input(
      Tenant.extend({
        maxUnfinished: z.number().int().min(0).max(10_000_000).nullable(),
        ratePerSecond: z.number().positive().max(1_000_000).nullable(),
        burst: z.number().int().min(1).max(1_000_000),
        // Optional: callers from before schedules keep the current value.
        maxSchedules: z.number().int().min(0).max(10_000).nullable().optional(),
        // Fair share among held jobs; optional as above, null clears it (1).
        weight: z.number().int().min(1).max(MAX_WEIGHT).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input: { tenantId, ...limits } }) =>
      ctx.tenants.setLimits(tenantId, limits),
    ),
} satisfies TRPCRouterRecord;
