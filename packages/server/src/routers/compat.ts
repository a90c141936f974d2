import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure } from '../trpc.ts';

/**
 * (admin) Before a deploy: what Redis stores, by job, input version and
 * place, and whether this API's contract reads it. A new contract is
 * checked against `inventory` by the caller (`conveyor compat --contract`).
 */
export const compatRouter = {
  inventory: adminProcedure.query(({ ctx }) => ctx.compat.inventory()),
  check: adminProcedure.query(({ ctx }) => ctx.compat.check()),
} satisfies TRPCRouterRecord;
