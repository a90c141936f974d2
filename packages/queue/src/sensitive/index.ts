export { openValue, sealedKeyId, sealValue } from './field-cipher.ts';
export { keyringFromEnv, parseKeyring, type Keyring } from './keyring.ts';
export {
  assertKeysFor,
  encodeSealedEnvelope,
  openPayload,
  sealedFingerprint,
  sealPayload,
} from './payload-sealer.ts';
export { reencryptRedis, type ReencryptReport } from './reencrypt-redis.ts';
export { resealText } from './reseal.ts';
