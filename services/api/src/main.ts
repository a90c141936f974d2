// The example app's API: its job catalog, served by Conveyor with the
// settings in the environment (`.env.example`).
import { registry } from '@conveyor/jobs';
import { onShutdownSignal, startService } from '@conveyor/ops';
import { ApiEnvSchema, startConveyorApi } from '@conveyor/server';

const { env, logger } = startService('conveyor-api', ApiEnvSchema);

// startConveyorApi has logged why it could not start (a fatal line).
const api = await startConveyorApi({ registry, env, logger }).catch(() =>
  process.exit(1),
);

onShutdownSignal(async (signal) => {
  logger.info({ signal }, 'shutting down');
  await api.close();
  process.exit(0);
});
