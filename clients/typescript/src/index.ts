// The generated client (src/gen) and the hand-written token helpers (src/auth.ts).
export * from './gen/index.js';
export { client } from './gen/client.gen.js';
export * from './auth.js';
