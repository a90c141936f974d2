import { TenantIdSchema } from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc.ts';

const Tenant = z.strictObject({ tenantId: TenantIdSchema });

/** Per-tenant limits: unfinished jobs (quota), enqueue rate, runtime schedules. */
export const tenantsRouter = {
  limits: adminProcedure
    .input(Tenant)
    .query(({ ctx, input }) => ctx.queues.ledger.limits(input.tenantId)),

  /** `null` lifts a limit. */
  setLimits: adminProcedure
    .input(
      Tenant.extend({
        maxUnfinished: z.number().int().min(0).max(10_000_000).nullable(),
        ratePerSecond: z.number().positive().max(1_000_000).nullable(),
        burst: z.number().int().min(1).max(1_000_000),
        // Optional: callers from before schedules keep the current value.
        maxSchedules: z.number().int().min(0).max(10_000).nullable().optional(),
      }),
    )
    .mutation(async ({ ctx, input: { tenantId, maxSchedules, ...limits } }) => {
      const current = await ctx.queues.ledger.limits(tenantId);
      await ctx.queues.ledger.setLimits(tenantId, {
        ...limits,
        maxSchedules:
          maxSchedules === undefined ? current.maxSchedules : maxSchedules,
      });
      return ctx.queues.ledger.limits(tenantId);
    }),
} satisfies TRPCRouterRecord;
