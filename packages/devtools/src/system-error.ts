/** A failure to show the user as it is: one clear message, no stack. */
export class SystemError extends Error {}
