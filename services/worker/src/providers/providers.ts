/**
 * The outside world a processor talks to, behind interfaces so a real SMS or
 * e-mail vendor plugs in without touching processors (`log-providers.ts` is
 * the default).
 */
export interface SmsProvider {
  send(
    message: { to: string; text: string },
    signal: AbortSignal,
  ): Promise<{ messageId: string }>;
}

export interface EmailProvider {
  sendToUser(
    message: { userId: string; subject: string; text: string },
    signal: AbortSignal,
  ): Promise<{ messageId: string }>;
}

export interface ActivityItem {
  at: Date;
  summary: string;
}

/** Where a digest's content comes from (the product's own data store). */
export interface ActivitySource {
  list(userId: string, from: Date, to: Date): Promise<ActivityItem[]>;
}

export interface Providers {
  sms: SmsProvider;
  email: EmailProvider;
  activity: ActivitySource;
}
