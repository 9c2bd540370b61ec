// Hand-written next to the generated client (clients/helpers/auth.ts, copied in by `make sdk`).
//
// The token endpoint is OAuth 2.0, not an OpenAPI operation, so the generated client has no call for it.
// These get and renew access tokens (client credentials, or a refresh token from a PKCE sign-in) for the
// generated client's `auth` option, and make the Idempotency-Key a retried POST must repeat.
//
//   import { client } from './gen/client.gen.js';
//   import { clientCredentials, newIdempotencyKey } from './auth.js';
//   client.setConfig({ baseUrl, auth: clientCredentials({ baseUrl, clientId, clientSecret }) });

const RENEW_BEFORE_MS = 60_000; // access tokens live 15 minutes

export class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description?: string,
  ) {
    super(`${status} ${error}${description ? `: ${description}` : ''}`);
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
  const body = (await answer.json()) as Record<string, unknown>;
  if (!answer.ok) {
    throw new TokenError(answer.status, String(body.error ?? 'error'), body.error_description as string | undefined);
  }
  return body as unknown as TokenAnswer;
}

/** A token provider for `client.setConfig({ auth })`: fetched on first use, renewed before it expires. */
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
  clientSecret?: string;
  /** Called with each new refresh token (they rotate on every use): store it for the next session. */
  onRotate?: (refreshToken: string) => void;
}

/** A signed-in person: the refresh token of a PKCE sign-in, rotated on every use. */
export function refreshToken(options: RefreshTokenOptions): () => Promise<string> {
  let current = options.refreshToken;
  return cached(async () => {
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

/** A key for one logical POST: send the same key when retrying it, a new one for the next. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
