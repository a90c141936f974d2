// Test support shared with the client's CLI tests (`@conveyor/server/test-support`,
// source only: never built or shipped).
export { startHarness, type Harness } from './harness.ts';
export { scriptedProcessors } from './scripted-processors.ts';
export { createTestDatabase } from '@conveyor/testkit';
export { startRegistryApi, type RegistryApi } from './registry-api.ts';
