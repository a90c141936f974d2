import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { toJson } from '../table.ts';

/** `keys reencrypt`: every stored sensitive value sealed again under the current key. */
export const keysReencrypt = defineCommand({
  args: [],
  flags: [],
  async run({ client, io, json }) {
    const result = await client.encryption.reencrypt.mutate();
    if (json) {
      io.out(toJson(result));
    } else {
      const line = (where: string, r: typeof result.redis) =>
        `${where}: ${r.resealed} value(s) sealed again in ${r.rewritten} record(s); ${r.unopened} no configured key opens`;
      io.out(
        [
          result.keyId === null
            ? 'no encryption key is configured: nothing is sealed'
            : `current key: ${result.keyId}`,
          line('redis', result.redis),
          result.history ? line('history', result.history) : 'history: off',
        ].join('\n'),
      );
    }
    const unopened = result.redis.unopened + (result.history?.unopened ?? 0);
    return unopened === 0 ? EXIT.ok : EXIT.incompatible;
  },
});
