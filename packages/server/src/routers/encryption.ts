import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure } from '../trpc.ts';

/** Keys of `sensitive()` values (docs/security.md, "Key rotation"). */
export const encryptionRouter = {
  /**
   * (admin) Seals every stored sensitive value again under the current key
   * (Redis and history), and says how many it changed and how many no
   * configured key opens.
   */
  reencrypt: adminProcedure.mutation(({ ctx }) => ctx.encryption.reencrypt()),
} satisfies TRPCRouterRecord;
