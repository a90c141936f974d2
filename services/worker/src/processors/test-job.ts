import type { testJob } from '@conveyor/jobs';
import type { Processor } from '@conveyor/worker';

export const processTestJob: Processor<typeof testJob> = (
  payload,
  { logger },
) => {
  logger.info(
    `TEST_JOB processed successfully with data: ${JSON.stringify(payload)}`,
  );
  return Promise.resolve({ echoed: payload.message });
};
