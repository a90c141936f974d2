import { TenantIdSchema } from '@conveyor/jobs';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc.ts';

const Tenant = z.strictObject({ tenantId: TenantIdSchema });

/** Per-tenant limits: unfinished jobs (quota) and enqueue rate. */
export const tenantsRouter = {
  limits: adminProcedure
    .input(Tenant)
    .query(({ ctx, input }) =>
      ctx.queues.up(() => ctx.queues.ledger.limits(input.tenantId)),
    ),

  /** `null` lifts a limit. */
  setLimits: adminProcedure
    .input(
      Tenant.extend({
        maxUnfinished: z.number().int().min(0).max(10_000_000).nullable(),
        ratePerSecond: z.number().positive().max(1_000_000).nullable(),
        burst: z.number().int().min(1).max(1_000_000),
      }),
    )
    .mutation(({ ctx, input: { tenantId, ...limits } }) =>
      ctx.queues.up(async () => {
        await ctx.queues.ledger.setLimits(tenantId, limits);
        return ctx.queues.ledger.limits(tenantId);
      }),
    ),
} satisfies TRPCRouterRecord;
