import type { Logger } from 'pino';
import type { Authenticate } from '../auth/authenticate.ts';
import type { ConveyorServices } from '../domain/create-services.ts';

export interface DashboardOptions {
  services: ConveyorServices;
  /** The API's own check (`createAuthenticate`): the sign-in form's token goes through it. */
  authenticate: Authenticate;
  logger: Logger;
  /** Where the board is mounted; `/admin` when omitted. */
  basePath?: string;
  /** Nothing on the board changes a job or a queue (`DASHBOARD_READ_ONLY`). */
  readOnly?: boolean;
  /**
   * Signs session cookies (`DASHBOARD_SESSION_SECRET`, else the admin token):
   * replicas that share it share sessions. Random per process when omitted.
   */
  sessionSecret?: string | undefined;
  /** How long a sign-in lasts; 8 h when omitted. */
  sessionTtlMs?: number;
  /**
   * How old an answer about a session's token may be for a read (a change
   * always checks afresh): a revoked token's session ends within this. 1 min
   * when omitted.
   */
  sessionRecheckMs?: number;
  /** Mark the cookie `Secure` (`DASHBOARD_SECURE_COOKIE`): behind https. */
  secureCookie?: boolean;
  /**
   * The runs console's built files, served at `<base>/console/`: the
   * installed `@conveyor/console` package's when omitted; false serves none.
   */
  consoleAssetsDir?: string | false;
}
