export * from './check-compatibility.ts';
export * from './format-compat-report.ts';
export * from './stored-version-inventory.ts';
