// @telemedical/api-client: the generated client (src/gen) and the hand-written layer over it: token
// helpers and PKCE (auth.ts); ApiError, retries, Idempotency-Keys, pagination and ETags (runtime.ts);
// verifyWebhook, a delivery's signature checked and its event typed (webhooks.ts).
export * from './gen/index.js';
export { client } from './gen/client.gen.js';
export * from './auth.js';
export * from './runtime.js';
export * from './webhooks.js';
