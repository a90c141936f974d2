export * from './parse-where.ts';
export * from './search-fields.ts';
export * from './search-where.ts';
export * from './where-text.ts';
export * from './search-request.ts';
export * from './search-indexes.ts';
