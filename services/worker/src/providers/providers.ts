import { randomUUID } from 'node:crypto';
import type { Logger } from '@conveyor/queue';

/**
 * The outside world a processor talks to, behind interfaces so a real SMS or
 * e-mail vendor plugs in without touching processors. The defaults below log
 * what would be sent: they make no network call and pretend none.
 */
export interface SmsProvider {
  send(
    message: { to: string; text: string },
    signal: AbortSignal,
  ): Promise<{ messageId: string }>;
}

export interface EmailProvider {
  sendToUser(
    message: { userId: string; subject: string; text: string },
    signal: AbortSignal,
  ): Promise<{ messageId: string }>;
}

export interface ActivityItem {
  at: Date;
  summary: string;
}

/** Where a digest's content comes from (the product's own data store). */
export interface ActivitySource {
  list(userId: string, from: Date, to: Date): Promise<ActivityItem[]>;
}

export interface Providers {
  sms: SmsProvider;
  email: EmailProvider;
  activity: ActivitySource;
}

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
