import type { ConveyorRouterOutputs } from '@conveyor/server';

export type CatalogJob = ConveyorRouterOutputs['catalog']['list'][number];
export type SearchPage = ConveyorRouterOutputs['history']['search'];
export type RunView = SearchPage['items'][number];
export type RunStoryView = ConveyorRouterOutputs['history']['story'];
export type StoryEventView = RunStoryView['timeline'][number];
export type FailureReasonRow =
  ConveyorRouterOutputs['history']['failures'][number];
export type StatsRow = ConveyorRouterOutputs['history']['stats'][number];

export const STATES = [
  'waiting',
  'active',
  'retrying',
  'completed',
  'failed',
  'cancelled',
] as const;
