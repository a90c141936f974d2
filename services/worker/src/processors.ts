// Runtime entry for hosts that run the catalog's processors in their own
// process (benchmarks, tests); `index.ts` is the daemon itself.
export { createProcessors } from './processors/index.ts';
export {
  createLogProviders,
  type ActivityItem,
  type ActivitySource,
  type EmailProvider,
  type Providers,
  type SmsProvider,
} from './providers/providers.ts';
