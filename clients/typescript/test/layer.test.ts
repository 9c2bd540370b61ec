// The hand-written layer (clients/helpers/runtime.ts, auth.ts) against a scripted fetch: compiled and run
// from the built package in a strict consumer project by `make sdk-consumers` (node --test).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  ApiError,
  NotModifiedError,
  TokenError,
  clientCredentials,
  connect,
  createPatient,
  createPkce,
  getPatient,
  ifChanged,
  listPatients,
  newClient,
  paginate,
  refreshToken,
  updatePatient,
  verifyWebhook,
  WebhookVerificationError,
  type WebhookEvent,
} from '@telemedical/api-client';
import { createHmac } from 'node:crypto';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'network-error';

/** A fetch that answers from a script and records each request it was sent. */
function scripted(answers: Answer[]) {
  const seen: Request[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    seen.push(request);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unscripted request ${request.method} ${request.url}`);
    if (answer === 'network-error') throw new TypeError('fetch failed');
    const headers = { 'Content-Type': 'application/json', ...answer.headers };
    const body = answer.body === undefined ? null : JSON.stringify(answer.body);
    return new Response(body, { status: answer.status, headers });
  };
  return { fetch, seen };
}

function setUp(answers: Answer[]) {
  const { fetch, seen } = scripted(answers);
  const client = connect({
    baseUrl: 'http://api.test',
    auth: async () => 'token',
    fetch,
    client: newClient(),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  return { client, seen };
}

const problem = (status: number, code: string) => ({
  type: `http://api.test/problems/${code}`,
  title: code,
  status,
  code,
  detail: `a ${code}`,
  request_id: 'req_1',
});
const patient = { id: 'pat_1', given_name: 'Ada' };
const body = { given_name: 'Ada', family_name: 'Lovelace', birth_date: '1985-12-10', sex_at_birth: 'female' } as const;

test('a POST gets an Idempotency-Key, the same one on each retry of a 503 and a network error', async () => {
  const { client, seen } = setUp([{ status: 503, headers: { 'Retry-After': '0' } }, 'network-error', { status: 201, body: patient }]);
  const { data } = await createPatient({ client, body });
  assert.equal(data.id, 'pat_1');
  assert.equal(seen.length, 3);
  const keys = new Set(seen.map((request) => request.headers.get('Idempotency-Key')));
  assert.equal(keys.size, 1);
  assert.match([...keys][0] ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(seen[2]?.headers.get('Authorization'), 'Bearer token');
  assert.deepEqual(await seen[2]?.json(), body);
});

test("a caller's own Idempotency-Key is kept", async () => {
  const { client, seen } = setUp([{ status: 201, body: patient }]);
  await createPatient({ client, body, headers: { 'Idempotency-Key': 'mine' } });
  assert.equal(seen[0]?.headers.get('Idempotency-Key'), 'mine');
});

test('an unkeyed PATCH is never retried: the 503 is thrown as ApiError with its Problem and Retry-After', async () => {
  const { client, seen } = setUp([{ status: 503, body: problem(503, 'service_unavailable'), headers: { 'Retry-After': '7' } }]);
  const error = await updatePatient({ client, path: { patient_id: 'pat_1' }, headers: { 'If-Match': '"e1"' }, body: {} }).catch(
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 503);
  assert.equal(error.code, 'service_unavailable');
  assert.equal(error.problem.request_id, 'req_1');
  assert.equal(error.retryAfter, 7);
  assert.equal(seen.length, 1);
});

test('429s are retried up to the attempts, then thrown', async () => {
  const limited = { status: 429, body: problem(429, 'rate_limited'), headers: { 'Retry-After': '0' } };
  const { client, seen } = setUp([limited, limited, limited, limited]);
  await assert.rejects(getPatient({ client, path: { patient_id: 'pat_1' } }), (error: unknown) => error instanceof ApiError && error.status === 429);
  assert.equal(seen.length, 4);
});

test('a 4xx is not retried', async () => {
  const { client, seen } = setUp([{ status: 404, body: problem(404, 'not_found') }]);
  await assert.rejects(getPatient({ client, path: { patient_id: 'pat_x' } }), (error: unknown) => error instanceof ApiError && error.code === 'not_found');
  assert.equal(seen.length, 1);
});

test('a 304 is a NotModifiedError, and ifChanged() makes it a result', async () => {
  const { client } = setUp([
    { status: 200, body: patient, headers: { ETag: '"e1"' } },
    { status: 304, headers: { ETag: '"e1"' } },
    { status: 304, headers: { ETag: '"e1"' } },
  ]);
  const fresh = await ifChanged(undefined, (headers) => getPatient({ client, path: { patient_id: 'pat_1' }, headers }));
  assert.deepEqual(fresh, { notModified: false, data: patient, etag: '"e1"' });
  const same = await ifChanged('"e1"', (headers) => getPatient({ client, path: { patient_id: 'pat_1' }, headers }));
  assert.deepEqual(same, { notModified: true, etag: '"e1"' });
  await assert.rejects(
    getPatient({ client, path: { patient_id: 'pat_1' }, headers: { 'If-None-Match': '"e1"' } }),
    NotModifiedError,
  );
});

test('paginate() follows next_cursor until has_more is false', async () => {
  const { client, seen } = setUp([
    { status: 200, body: { data: [{ id: 'pat_1' }, { id: 'pat_2' }], has_more: true, next_cursor: 'c2' } },
    { status: 200, body: { data: [{ id: 'pat_3' }], has_more: false, next_cursor: null } },
  ]);
  const ids: string[] = [];
  for await (const item of paginate((page) => listPatients({ client, query: { limit: 2, ...page } }))) ids.push(item.id);
  assert.deepEqual(ids, ['pat_1', 'pat_2', 'pat_3']);
  assert.equal(new URL(seen[1]?.url ?? '').searchParams.get('cursor'), 'c2');
});

test('a wrong secret is a TokenError, an ApiError with the RFC 6749 error as its code', async () => {
  const original = globalThis.fetch;
  globalThis.fetch = scripted([{ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } }]).fetch;
  try {
    const { fetch } = scripted([]);
    const client = connect({
      baseUrl: 'http://api.test',
      auth: clientCredentials({ baseUrl: 'http://api.test', clientId: 'cli_x', clientSecret: 'wrong' }),
      fetch,
      client: newClient(),
    });
    const error = await getPatient({ client, path: { patient_id: 'pat_1' } }).catch((thrown: unknown) => thrown);
    assert.ok(error instanceof TokenError && error instanceof ApiError);
    assert.equal(error.status, 401);
    assert.equal(error.code, 'invalid_client');
  } finally {
    globalThis.fetch = original;
  }
});

test('a rotating refresh token hands each new one to onRotate and sends the newest next', async () => {
  const original = globalThis.fetch;
  const tokens = scripted([
    { status: 200, body: { access_token: 'a1', expires_in: 1, refresh_token: 'r2' } },
    { status: 200, body: { access_token: 'a2', expires_in: 1, refresh_token: 'r3' } },
  ]);
  globalThis.fetch = tokens.fetch;
  try {
    const rotated: string[] = [];
    const auth = refreshToken({ baseUrl: 'http://api.test', clientId: 'cli_app', refreshToken: 'r1', onRotate: (token) => rotated.push(token) });
    assert.equal(await auth(), 'a1');
    assert.equal(await auth(), 'a2'); // expires_in 1 s is inside the renewal margin: renewed at once
    assert.deepEqual(rotated, ['r2', 'r3']);
    const sent = await Promise.all(tokens.seen.map(async (request) => new URLSearchParams(await request.text()).get('refresh_token')));
    assert.deepEqual(sent, ['r1', 'r2']);
  } finally {
    globalThis.fetch = original;
  }
});

test('createPkce() makes an S256 challenge of its verifier (RFC 7636 appendix B)', async () => {
  const pkce = await createPkce();
  assert.match(pkce.verifier, /^[A-Za-z0-9_-]{43,128}$/);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pkce.verifier)));
  assert.equal(pkce.challenge, Buffer.from(digest).toString('base64url'));
  const url = new URL(pkce.authorizationUrl({ baseUrl: 'http://api.test', clientId: 'cli_app', redirectUri: 'http://app.test/cb', scope: 'patients:read' }));
  assert.equal(url.searchParams.get('code_challenge'), pkce.challenge);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(url.searchParams.get('state'), pkce.state);
});

// Webhooks: signed here with node:crypto, an implementation of its own (Standard Webhooks 1.0).
const SECRET_BYTES = Buffer.alloc(32, 7);
const SECRET = `whsec_${SECRET_BYTES.toString('base64')}`;
const OTHER = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

function sign(body: string, at: number, key: Buffer = SECRET_BYTES, id = 'evt_1'): Record<string, string> {
  const signature = createHmac('sha256', key).update(`${id}.${at}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(at), 'webhook-signature': `v1,${signature}` };
}

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  assert.ok(error instanceof WebhookVerificationError, String(error));
  return error.reason;
}

const CHANGED = JSON.stringify({
  type: 'consultation.status_changed', timestamp: '2026-12-05T09:00:00Z',
  data: { id: 'con_1', object: 'consultation', previous_status: 'ready', status: 'scheduled' },
});

test('verifyWebhook() returns the typed event of a delivery signed with the secret', async () => {
  const now = Math.floor(Date.now() / 1000);
  const event: WebhookEvent = await verifyWebhook(SECRET, sign(CHANGED, now), CHANGED);
  assert.equal(event.type, 'consultation.status_changed');
  if (event.type === 'consultation.status_changed') assert.equal(event.data.previous_status, 'ready');
  // a Headers object, a Uint8Array body, and two signatures during a rotation (either verifies)
  const rotated = sign(CHANGED, now, Buffer.alloc(32, 9));
  const both = new Headers({ ...rotated, 'webhook-signature': `${rotated['webhook-signature']} ${sign(CHANGED, now)['webhook-signature']}` });
  assert.equal((await verifyWebhook(SECRET, both, new TextEncoder().encode(CHANGED))).type, 'consultation.status_changed');
  assert.equal((await verifyWebhook(OTHER, both, CHANGED)).type, 'consultation.status_changed');
});

test('verifyWebhook() refuses a tampered body, another secret, an old or future timestamp, missing headers', async () => {
  const now = Math.floor(Date.now() / 1000);
  const headers = sign(CHANGED, now);
  assert.equal(await reason(verifyWebhook(SECRET, headers, CHANGED.replace('con_1', 'con_2'))), 'no_matching_signature');
  assert.equal(await reason(verifyWebhook(OTHER, headers, CHANGED)), 'no_matching_signature');
  assert.equal(await reason(verifyWebhook(SECRET, { ...headers, 'webhook-id': 'evt_2' }, CHANGED)), 'no_matching_signature');
  assert.equal(await reason(verifyWebhook(SECRET, sign(CHANGED, now - 301), CHANGED)), 'timestamp_too_old');
  assert.equal(await reason(verifyWebhook(SECRET, sign(CHANGED, now + 301), CHANGED)), 'timestamp_too_new');
  assert.equal((await verifyWebhook(SECRET, sign(CHANGED, now - 500), CHANGED, { toleranceSeconds: 600 })).type, 'consultation.status_changed');
  const { 'webhook-signature': _, ...unsigned } = headers;
  assert.equal(await reason(verifyWebhook(SECRET, unsigned, CHANGED)), 'missing_headers');
  assert.equal(await reason(verifyWebhook('whsec_not base64!', headers, CHANGED)), 'invalid_secret');
  assert.equal(await reason(verifyWebhook(SECRET, sign('not json', now), 'not json')), 'invalid_payload');
});
