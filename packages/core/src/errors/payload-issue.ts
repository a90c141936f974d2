import type { z } from 'zod';

/** One problem with a payload, safe to show a caller. */
export interface PayloadIssue {
  path: (string | number)[];
  message: string;
  /** Zod's issue code (`invalid_type`, `too_small`, `custom`, …): stable where messages are not. */
  code: string;
  /** For `invalid_type`: the type that was expected (`date`, `string`, …). */
  expected?: string;
}

export function toPayloadIssues(error: z.ZodError): PayloadIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((key) =>
      typeof key === 'symbol' ? String(key) : key,
    ),
    message: issue.message,
    code: issue.code,
    ...(issue.code === 'invalid_type' ? { expected: issue.expected } : {}),
  }));
}

export function formatIssue(issue: PayloadIssue): string {
  return issue.path.length > 0
    ? `${issue.path.join('.')}: ${issue.message}`
    : issue.message;
}
