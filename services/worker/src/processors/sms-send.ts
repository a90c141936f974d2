import type { smsSend } from '@conveyor/jobs';
import type { Processor } from '@conveyor/worker';
import type { SmsProvider } from '../providers/providers.ts';

export function createSmsSendProcessor(
  sms: SmsProvider,
): Processor<typeof smsSend> {
  return async ({ to, message, alertId }, { logger, signal }) => {
    const { messageId } = await sms.send({ to, text: message }, signal);
    logger.info({ messageId, alertId }, 'SMS handed to provider');
    return { providerMessageId: messageId };
  };
}
