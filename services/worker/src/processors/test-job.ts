import type { testJob } from '@conveyor/jobs';
import type { Processor } from '@conveyor/queue';

export const processTestJob: Processor<typeof testJob> = (
  payload,
  { logger },
) => {
  logger.info(
    `TEST_JOB processed successfully with data: ${JSON.stringify(payload)}`,
  );
  return Promise.resolve({ echoed: payload.message });
};
