import superjson from 'superjson';

/** A value as the text that is sealed (superjson: a Date stays a Date, as in envelopes). */
export function toSealedText(value: unknown): string {
  return superjson.stringify(value);
}

export function fromSealedText(text: string): unknown {
  return superjson.parse(text);
}
