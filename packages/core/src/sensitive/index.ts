export { isSensitive, sensitive, SENSITIVE_META_KEY } from './sensitive.ts';
export {
  sensitiveFieldsOf,
  sensitivePaths,
  type SensitiveFields,
  type SensitivePath,
} from './sensitive-paths.ts';
export {
  isSealed,
  mapAtPaths,
  mapSealed,
  REDACTED,
  redactAt,
  redactSealed,
  SEALED_PREFIX,
} from './sealed-value.ts';
export { fromSealedText, toSealedText } from './sealed-text.ts';
