/** One client connection through a stall proxy, as tests see it. */
export interface ProxiedConnection {
  /** 1, 2, … in the order the proxy accepted them. */
  readonly id: number;
  /** Accepted while new connections were stalled. */
  readonly bornStalled: boolean;
  readonly stalled: boolean;
  readonly closed: boolean;
  /** The start of what the client sent (up to 64 KiB, latin1): to tell connections apart (`/bzpopmin/i.test(sent())`). */
  sent(): string;
}
