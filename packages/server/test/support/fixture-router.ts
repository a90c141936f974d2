import type { ConveyorClient } from '@conveyor/client';
import type { FixtureRegistry } from '@conveyor/fixtures';
import type { ConveyorRouter } from '../../src/create-conveyor-router.ts';

/** The router the framework's tests serve: the fixture catalog's. */
export type FixtureRouter = ConveyorRouter<FixtureRegistry>;
/** A client typed by the fixture catalog (job names, payloads, results). */
export type FixtureClient = ConveyorClient<FixtureRouter>;
