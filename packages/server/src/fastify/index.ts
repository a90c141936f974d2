// `@conveyor/server/fastify`: Conveyor as a plugin of an existing Fastify app.
export { conveyorPlugin, type ConveyorDecoration } from './conveyor-plugin.ts';
export type {
  ConveyorPluginOptions,
  PluginDashboardOptions,
} from './conveyor-plugin-options.ts';
