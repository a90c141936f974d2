import type { emailDigest } from '@conveyor/jobs';
import type { Processor } from '@conveyor/worker';
import type { ActivitySource, EmailProvider } from '../providers/providers.ts';

export function createEmailDigestProcessor(
  activity: ActivitySource,
  email: EmailProvider,
): Processor<typeof emailDigest> {
  return async (
    { userId, period, startDate, endDate },
    { logger, signal, progress },
  ) => {
    await progress({ percent: 0, stage: 'gathering' });
    const items = await activity.list(userId, startDate, endDate);
    await progress({ percent: 50, stage: 'sending' });
    signal.throwIfAborted();
    const range = `${startDate.toISOString().slice(0, 10)} – ${endDate.toISOString().slice(0, 10)}`;
    const text =
      items.length === 0
        ? `Nothing new ${period === 'daily' ? 'today' : 'this week'} (${range}).`
        : items
            .map((item) => `• ${item.at.toISOString()} ${item.summary}`)
            .join('\n');
    const { messageId } = await email.sendToUser(
      { userId, subject: `Your ${period} digest, ${range}`, text },
      signal,
    );
    await progress({ percent: 100, stage: 'done' });
    logger.info({ messageId, items: items.length }, 'digest sent');
    return { messageId, itemCount: items.length };
  };
}
