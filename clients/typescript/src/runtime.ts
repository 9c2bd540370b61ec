// Hand-written next to the generated client (clients/helpers/runtime.ts, copied in by `make sdk`).
//
// What a partner would otherwise write around every call:
// - `ApiError`: the generated functions resolve to `{ data, request, response }` and throw this on an error
//   status, carrying the typed `Problem` and `Retry-After` (`connect()` installs it). A 304 throws
//   `NotModifiedError`; `ifChanged()` turns it into a `{ notModified: true }` result.
// - `retryingFetch()`: an Idempotency-Key on every POST that has none, the same key on each of its own
//   retries; retries with backoff on 429/503 (honouring Retry-After) and on network errors, for idempotent
//   methods and keyed requests only.
// - `paginate()`: every item of a cursor-paged list. `etagOf()`, `ifMatch()`, `ifChanged()`: ETags.

import { client as defaultClient } from './gen/client.gen.js';
import { type Client, createClient, createConfig } from './gen/client/index.js';
import type { Problem } from './gen/types.gen.js';

/** The API answered with an error status: `problem` is its problem+json body, `retryAfter` the seconds it
 *  asked to wait (429, 503) when it said. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfter?: number,
  ) {
    super(`${status} ${problem.code}: ${problem.detail}`);
  }

  get code(): string {
    return this.problem.code;
  }
}

/** A 304 reached a call made with If-None-Match: use `ifChanged()` to get it as a result instead. */
export class NotModifiedError extends Error {
  override readonly name: string = 'NotModifiedError';
  constructor(readonly etag: string | undefined) {
    super('304 Not Modified: the copy whose ETag was sent is current');
  }
}

/** Retry-After as seconds from now: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, (when - Date.now()) / 1000);
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string';
}

/** The error interceptor `connect()` installs: what the generated client would throw, made an `ApiError`. */
export function toApiError(error: unknown, response: Response | undefined): unknown {
  if (error instanceof ApiError || response === undefined) return error; // a TokenError, a network error
  if (response.status === 304) return new NotModifiedError(response.headers.get('ETag') ?? undefined);
  const problem: Problem = isProblem(error)
    ? error
    : {
        code: `http_${response.status}`,
        detail: typeof error === 'string' ? error.slice(0, 500) : response.statusText,
        request_id: null,
        status: response.status,
        title: response.statusText,
        type: '',
      };
  return new ApiError(response.status, problem, parseRetryAfter(response.headers.get('Retry-After')));
}

// --- retries and idempotency keys ----------------------------------------------------------------------

/** How often and how long to retry: `attempts` counts the first try; the wait before retry n is Retry-After
 *  when the server sent one (up to `maxDelayMs`), else `baseDelayMs * 2 ** (n - 1)` with jitter. */
export interface RetryPolicy {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

// Methods whose repetition has the effect of one request (RFC 9110 §9.2.2); others are retried only with an
// Idempotency-Key (the server answers a repeat with the first answer).
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRY_STATUSES = new Set([429, 503]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A `fetch` that keys POSTs and retries what is safe to retry (for `client.setConfig({ fetch })`). */
export function retryingFetch(policy: RetryPolicy = {}, inner: typeof fetch = globalThis.fetch): typeof fetch {
  const attempts = policy.attempts ?? 4;
  const base = policy.baseDelayMs ?? 500;
  const max = policy.maxDelayMs ?? 30_000;
  const delay = (retry: number, retryAfter: number | undefined) =>
    retryAfter !== undefined
      ? Math.min(retryAfter * 1000, max)
      : Math.min(base * 2 ** (retry - 1), max) * (0.5 + Math.random() / 2);
  return async (input, init) => {
    const request = new Request(input, init);
    if (request.method === 'POST' && !request.headers.has('Idempotency-Key')) {
      request.headers.set('Idempotency-Key', crypto.randomUUID());
    }
    const retryable = IDEMPOTENT.has(request.method) || request.headers.has('Idempotency-Key');
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts || !retryable;
      let response: Response;
      try {
        response = await inner(request.clone());
      } catch (error) {
        if (last || (error instanceof Error && error.name === 'AbortError')) throw error;
        await sleep(delay(attempt, undefined));
        continue;
      }
      if (last || !RETRY_STATUSES.has(response.status)) return response;
      await response.body?.cancel();
      await sleep(delay(attempt, parseRetryAfter(response.headers.get('Retry-After'))));
    }
  };
}

export interface ConnectOptions {
  baseUrl: string;
  /** A token provider: `clientCredentials(...)`, `refreshToken(...)` or `pkce.exchange(...)`'s. */
  auth: () => Promise<string>;
  retry?: RetryPolicy;
  /** The fetch to wrap (default: the global one). */
  fetch?: typeof fetch;
  /** The client to set up (default: the generated module's `client`, which every function uses). */
  client?: Client;
}

const installed = new WeakSet<Client>();

/** Another client than the module's own (a second principal): set it up with `connect({ client })` and pass
 *  it as `client` to each call. */
export function newClient(): Client {
  return createClient(createConfig({ throwOnError: true }));
}

/** Sets up the generated client: base URL, token provider, `retryingFetch`, errors thrown as `ApiError`. */
export function connect(options: ConnectOptions): Client {
  const target = options.client ?? defaultClient;
  target.setConfig({
    baseUrl: options.baseUrl,
    auth: options.auth,
    fetch: retryingFetch(options.retry, options.fetch),
    throwOnError: true,
  });
  if (!installed.has(target)) {
    target.interceptors.error.use((error, response) => toApiError(error, response));
    installed.add(target);
  }
  return target;
}

// --- pagination --------------------------------------------------------------------------------------

/** A page of a list operation. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** Every item of a list, page after page:
 *  `for await (const p of paginate((page) => listPatients({ query: { limit: 100, ...page } })))`. */
export async function* paginate<T>(
  call: (page: { cursor?: string }) => Promise<{ data: Page<T> }>,
): AsyncGenerator<T, void, undefined> {
  let page: { cursor?: string } = {};
  for (;;) {
    const { data } = await call(page);
    yield* data.data;
    if (!data.has_more || !data.next_cursor) return;
    page = { cursor: data.next_cursor };
  }
}

// --- ETags ---------------------------------------------------------------------------------------------

/** The ETag a call's response carried (for `ifMatch()` on the next write). */
export function etagOf(result: { response: Response }): string {
  const etag = result.response.headers.get('ETag');
  if (etag === null) throw new Error('the response has no ETag');
  return etag;
}

/** The header an update needs: `updatePatient({ path, headers: ifMatch(etag), body })`. */
export function ifMatch(etag: string): { 'If-Match': string } {
  return { 'If-Match': etag };
}

export type Conditional<T> =
  | { notModified: true; etag: string | undefined }
  | { notModified: false; data: T; etag: string | undefined };

/** A conditional GET: `{ notModified: true }` when `etag` is current, else the resource and its ETag.
 *  `ifChanged(etag, (headers) => getPatient({ path: { patient_id }, headers }))` */
export async function ifChanged<T>(
  etag: string | undefined,
  call: (headers: { 'If-None-Match'?: string }) => Promise<{ data: T; response: Response }>,
): Promise<Conditional<T>> {
  try {
    const result = await call(etag === undefined ? {} : { 'If-None-Match': etag });
    return { notModified: false, data: result.data, etag: result.response.headers.get('ETag') ?? undefined };
  } catch (error) {
    if (error instanceof NotModifiedError) return { notModified: true, etag: error.etag ?? etag };
    throw error;
  }
}
