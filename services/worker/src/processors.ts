// Runtime entry for hosts that run the catalog's processors in their own
// process (benchmarks, tests); `main.ts` is the daemon itself.
export { createProcessors } from './processors/index.ts';
export { createLogProviders } from './providers/log-providers.ts';
export type {
  ActivityItem,
  ActivitySource,
  EmailProvider,
  Providers,
  SmsProvider,
} from './providers/providers.ts';
