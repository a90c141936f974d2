/**
 * The base of every error Conveyor raises on purpose. `code` is stable and
 * meant for mapping (the API turns codes into tRPC codes in one middleware);
 * messages never carry Redis details or stack traces: the `cause` does, and
 * it stays server-side. Each subclass names itself (`error.name` is the class
 * name) without repeating it in a constructor.
 */
export abstract class ConveyorError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
