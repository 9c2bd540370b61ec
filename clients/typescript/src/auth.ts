// Hand-written next to the generated client (clients/helpers/auth.ts, copied in by `make sdk`).
//
// The token endpoint is OAuth 2.0, not an OpenAPI operation, so the generated client has no call for it.
// These get and renew access tokens (client credentials; or a person's PKCE sign-in and its rotating refresh
// token) for `connect({ auth })` (runtime.ts), and make the Idempotency-Key a retry of your own must repeat.
//
//   import { clientCredentials, connect } from '@telemedical/api-client';
//   connect({ baseUrl, auth: clientCredentials({ baseUrl, clientId, clientSecret }) });
//
// A refused token request (a wrong secret, a refresh token already used) throws `TokenError`, an `ApiError`.

import { ApiError } from './runtime.js';

const RENEW_BEFORE_MS = 60_000; // access tokens live 15 minutes

/** The token endpoint refused: `error` and `description` are its RFC 6749 §5.2 answer (also as
 *  `problem.code` and `problem.detail`). */
export class TokenError extends ApiError {
  override readonly name: string = 'TokenError';
  constructor(
    status: number,
    readonly error: string,
    readonly description?: string,
  ) {
    super(status, {
      code: error,
      detail: description ?? error,
      request_id: null,
      status,
      title: 'The token endpoint refused the request',
      type: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2',
    });
  }
}

interface TokenAnswer {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
}

async function requestToken(
  baseUrl: string,
  form: Record<string, string>,
  clientId: string,
  clientSecret?: string,
): Promise<TokenAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (clientSecret) {
    headers.Authorization = `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)}`;
  } else {
    form = { ...form, client_id: clientId };
  }
  const answer = await fetch(`${baseUrl.replace(/\/$/, '')}/oauth/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
  });
  const text = await answer.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { error: `http_${answer.status}`, error_description: text.slice(0, 500) };
  }
  if (!answer.ok) {
    const description = typeof body.error_description === 'string' ? body.error_description : undefined;
    throw new TokenError(answer.status, String(body.error ?? 'error'), description);
  }
  return body as unknown as TokenAnswer;
}

/** A token provider for `connect({ auth })`: fetched on first use, renewed before it expires. */
function cached(fetchToken: () => Promise<TokenAnswer>): () => Promise<string> {
  let token: string | undefined;
  let expiresAt = 0;
  let pending: Promise<string> | undefined;
  return async () => {
    if (token && Date.now() < expiresAt - RENEW_BEFORE_MS) return token;
    pending ??= fetchToken()
      .then((answer) => {
        token = answer.access_token;
        expiresAt = Date.now() + (answer.expires_in ?? 900) * 1000;
        return token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

export interface ClientCredentialsOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

/** A partner's system: client id and secret (`client_credentials`). */
export function clientCredentials(options: ClientCredentialsOptions): () => Promise<string> {
  const form: Record<string, string> = { grant_type: 'client_credentials' };
  if (options.scope) form.scope = options.scope;
  return cached(() => requestToken(options.baseUrl, form, options.clientId, options.clientSecret));
}

export interface RefreshTokenOptions {
  baseUrl: string;
  clientId: string;
  refreshToken: string;
  /** The access token that came with `refreshToken`, used until it nears expiry. */
  accessToken?: string;
  expiresIn?: number;
  clientSecret?: string;
  /** Called with each new refresh token (they rotate on every use): store it for the next session. */
  onRotate?: (refreshToken: string) => void;
}

/** A signed-in person: the refresh token of a PKCE sign-in, rotated on every use (using one twice revokes
 *  the whole sign-in, so store each new one `onRotate` hands you). */
export function refreshToken(options: RefreshTokenOptions): () => Promise<string> {
  let current = options.refreshToken;
  let first: TokenAnswer | undefined =
    options.accessToken === undefined
      ? undefined
      : { access_token: options.accessToken, expires_in: options.expiresIn ?? 0 };
  return cached(async () => {
    if (first !== undefined) {
      const answer = first;
      first = undefined;
      return answer;
    }
    const answer = await requestToken(
      options.baseUrl,
      { grant_type: 'refresh_token', refresh_token: current },
      options.clientId,
      options.clientSecret,
    );
    if (answer.refresh_token) {
      current = answer.refresh_token;
      options.onRotate?.(current);
    }
    return answer;
  });
}

// --- PKCE (RFC 7636, S256) ---------------------------------------------------------------------------

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export interface PkceSignIn {
  verifier: string;
  challenge: string;
  /** Check that the callback's `state` equals this. */
  state: string;
  /** Where to send the person's browser. */
  authorizationUrl(options: { baseUrl: string; clientId: string; redirectUri: string; scope: string }): string;
  /** The tokens for the callback's `code`, as a token provider for `connect({ auth })`. `onRotate` gets the
   *  first refresh token and every later one. `TokenError` when the code is wrong, used or expired. */
  exchange(options: {
    baseUrl: string;
    clientId: string;
    code: string;
    redirectUri: string;
    clientSecret?: string;
    onRotate?: (refreshToken: string) => void;
  }): Promise<() => Promise<string>>;
}

/** A PKCE sign-in for an `authorization_code` client: `authorizationUrl()`, then `exchange()` the code. */
export async function createPkce(): Promise<PkceSignIn> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(48)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  return {
    verifier,
    challenge,
    state,
    authorizationUrl: ({ baseUrl, clientId, redirectUri, scope }) =>
      `${baseUrl.replace(/\/$/, '')}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope,
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString()}`,
    exchange: async (options) => {
      const answer = await requestToken(
        options.baseUrl,
        { grant_type: 'authorization_code', code: options.code, redirect_uri: options.redirectUri, code_verifier: verifier },
        options.clientId,
        options.clientSecret,
      );
      if (answer.refresh_token === undefined) throw new TokenError(200, 'no_refresh_token', 'The answer had no refresh token.');
      options.onRotate?.(answer.refresh_token);
      const rotating: RefreshTokenOptions = {
        baseUrl: options.baseUrl,
        clientId: options.clientId,
        refreshToken: answer.refresh_token,
        accessToken: answer.access_token,
        expiresIn: answer.expires_in ?? 900,
      };
      if (options.clientSecret !== undefined) rotating.clientSecret = options.clientSecret;
      if (options.onRotate !== undefined) rotating.onRotate = options.onRotate;
      return refreshToken(rotating);
    },
  };
}

/** A key for one logical POST: send the same key when retrying it, a new one for the next. (`connect()`'s
 *  fetch makes one for each POST that has none; pass your own to make a retry of your own safe.) */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
