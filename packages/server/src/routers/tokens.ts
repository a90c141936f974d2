import { TenantIdSchema, type AnyRegistry } from '@conveyor/core';
import { JobNotFoundError } from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { ROLES } from '../auth/principal.ts';
import { adminProcedure } from '../trpc.ts';
import { registrySchemas } from '../registry-schemas.ts';

/** API tokens: admins create (the secret is shown once), list and revoke them. */
export function tokensRouter<R extends AnyRegistry>(registry: R) {
  const { jobName } = registrySchemas(registry);
  return {
    create: adminProcedure
      .input(
        z.strictObject({
          /** Defaults to the tenant the admin acts for. */
          tenantId: TenantIdSchema.optional(),
          role: z.enum(ROLES),
          /** The only jobs it may enqueue; any when omitted. */
          jobs: z.array(jobName).min(1).max(100).optional(),
          label: z.string().max(100).optional(),
          expiresAt: z
            .date()
            .refine((d) => d.getTime() > Date.now(), 'expiresAt is in the past')
            .optional(),
        }),
      )
      .mutation(({ ctx, input }) =>
        ctx.tokens.create({
          ...input,
          tenantId: input.tenantId ?? ctx.tenant,
        }),
      ),

    /** Every token (or one tenant's), newest first; never a secret. */
    list: adminProcedure
      .input(z.strictObject({ tenantId: TenantIdSchema.optional() }).optional())
      .query(({ ctx, input }) => ctx.tokens.list(input?.tenantId)),

    /** The token stops working at once (401). */
    revoke: adminProcedure
      .input(z.strictObject({ id: z.string().regex(/^[0-9a-f]{12}$/) }))
      .mutation(async ({ ctx, input }) => {
        if (!(await ctx.tokens.revoke(input.id)))
          throw new JobNotFoundError(input.id);
        return { id: input.id, revoked: true as const };
      }),
  } satisfies TRPCRouterRecord;
}
