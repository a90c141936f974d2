import { DEFAULT_TENANT } from '@conveyor/core';
import { pino } from 'pino';
import { createAuthenticate } from '../../src/auth/authenticate.ts';
import {
  createDashboard,
  type Dashboard,
} from '../../src/dashboard/create-dashboard.ts';
import type { DashboardOptions } from '../../src/dashboard/dashboard-options.ts';
import { startApiWithOptions } from './api-with-options.ts';
import type { Harness } from './harness.ts';

export const DASHBOARD_ADMIN_TOKEN = 'dashboard-admin-token-0123456789abcdef';

export interface ServedDashboard {
  dashboard: Dashboard;
  api: { apiUrl: string; close(): Promise<void> };
}

/**
 * The dashboard (admin token `DASHBOARD_ADMIN_TOKEN`, tokens checked as the
 * API checks them) on an API server of its own over `harness`.
 */
export async function serveDashboard(
  harness: Harness,
  options: Partial<DashboardOptions> = {},
): Promise<ServedDashboard> {
  const dashboard = createDashboard({
    services: harness.services,
    logger: pino({ level: 'silent' }),
    authenticate: createAuthenticate({
      tokens: harness.services.tokens,
      adminToken: DASHBOARD_ADMIN_TOKEN,
      adminTenant: DEFAULT_TENANT,
    }),
    ...options,
  });
  const api = await startApiWithOptions(
    harness,
    {},
    { routes: [dashboard.route] },
  );
  return { dashboard, api };
}
