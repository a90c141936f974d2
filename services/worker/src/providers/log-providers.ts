import type { Logger } from '@conveyor/queue';
import { randomUUID } from 'node:crypto';
import type { Providers } from './providers.ts';

/**
 * Providers that log what would be sent: they make no network call and
 * pretend none. The default until a real vendor is wired in.
 */
export function createLogProviders(logger: Logger): Providers {
  return {
    sms: {
      send({ to, text }) {
        const messageId = `log-${randomUUID()}`;
        logger.info(
          { provider: 'log', to, chars: text.length, messageId },
          'SMS (log provider, not sent)',
        );
        return Promise.resolve({ messageId });
      },
    },
    email: {
      sendToUser({ userId, subject, text }) {
        const messageId = `log-${randomUUID()}`;
        logger.info(
          { provider: 'log', userId, subject, chars: text.length, messageId },
          'e-mail (log provider, not sent)',
        );
        return Promise.resolve({ messageId });
      },
    },
    // No activity store is wired yet: every digest is honestly empty.
    activity: { list: () => Promise.resolve([]) },
  };
}
