// Hand-written next to the generated client (clients/helpers/webhooks.ts, copied in by `make sdk`).
//
// `verifyWebhook()`: check a delivery's Standard Webhooks 1.0 signature and timestamp, as the API signs
// (docs/webhooks.md), and return its typed event. `webhook-signature` holds one or more space-separated
// `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed by the base64-decoded
// secret after `whsec_`; a timestamp more than the tolerance away from now, either way, is refused. The
// HMAC is checked by WebCrypto's `verify` (constant-time), in Node 20+ and browsers alike, with no dependency:
// the `standardwebhooks` package fixes the tolerance at 5 minutes and returns untyped JSON. The SDK's tests
// verify what that package signs, and the API's real deliveries, with this.

import type { WebhookEvent } from './gen/types.gen.js';

export type WebhookVerificationFailure =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_secret'
  | 'no_matching_signature'
  | 'invalid_payload';

/** The request is not a delivery of ours, signed with this secret, sent just now: `reason` says why. */
export class WebhookVerificationError extends Error {
  override readonly name: string = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationFailure,
    message: string,
  ) {
    super(`${reason}: ${message}`);
  }
}

/** A `Headers` object, or a plain record such as Node's `req.headers` (names in any case). */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookOptions {
  /** Seconds the timestamp may be off, either way (default 300). */
  toleranceSeconds?: number;
  /** The time to judge the timestamp against (default: now). */
  now?: Date;
}

const SECRET_PREFIX = 'whsec_';

function header(headers: WebhookHeaders, name: string): string {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? '';
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return (typeof value === 'string' ? value : value?.[0]) ?? '';
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The delivered event, typed (narrow it on `event.type`), once its signature and timestamp check out; rejects
 * with `WebhookVerificationError` otherwise. `body` is the raw body as received (`express.raw()`, `await
 * request.text()`): a body parsed and serialised again does not match. An event type added after this SDK
 * version comes typed as the union still: give your `switch` a `default`.
 */
export async function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string | Uint8Array,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      'missing_headers',
      'webhook-id, webhook-timestamp and webhook-signature are required.',
    );
  }
  if (!/^[0-9]+$/.test(timestamp)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is Unix seconds.');
  }
  const tolerance = options.toleranceSeconds ?? 300;
  const age = (options.now ?? new Date()).getTime() / 1000 - Number(timestamp);
  if (age > tolerance) throw new WebhookVerificationError('timestamp_too_old', `Signed ${Math.round(age)} s ago.`);
  if (-age > tolerance) {
    throw new WebhookVerificationError('timestamp_too_new', `Signed ${Math.round(-age)} s in the future.`);
  }
  const secretBytes = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  if (secretBytes === undefined || secretBytes.length === 0) {
    throw new WebhookVerificationError('invalid_secret', "Use the endpoint's whsec_… secret.");
  }
  const raw = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(new ArrayBuffer(prefix.length + raw.length));
  signed.set(prefix);
  signed.set(raw, prefix.length);
  const key = await crypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  let matched = false;
  for (const candidate of signatures.split(' ')) {
    const [version, encoded = ''] = candidate.split(',', 2);
    const given = version === 'v1' ? fromBase64(encoded) : undefined;
    if (given !== undefined && (await crypto.subtle.verify('HMAC', key, given, signed))) matched = true;
  }
  if (!matched) throw new WebhookVerificationError('no_matching_signature', 'No signature matches this secret.');
  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'The body is not JSON.');
  }
  if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') {
    throw new WebhookVerificationError('invalid_payload', 'The body is not an event.');
  }
  return event as WebhookEvent;
}
