import { TenantIdSchema } from '@conveyor/core';
import { MAX_WEIGHT } from '@conveyor/queue';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc.ts';

const Tenant = z.strictObject({ tenantId: TenantIdSchema });
const Weight = z.number().int().min(1).max(MAX_WEIGHT).nullable();

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
        weight: Weight.optional(),
      }),
    )
    .mutation(({ ctx, input: { tenantId, ...limits } }) =>
      ctx.tenants.setLimits(tenantId, limits),
    ),

  /**
   * Only the fair-share weight (1..1000; null: back to 1), leaving the other
   * limits as they are (a tenant on the policy's defaults stays on them).
   */
  setWeight: adminProcedure
    .input(Tenant.extend({ weight: Weight }))
    .mutation(({ ctx, input }) =>
      ctx.tenants.setWeight(input.tenantId, input.weight),
    ),
} satisfies TRPCRouterRecord;
