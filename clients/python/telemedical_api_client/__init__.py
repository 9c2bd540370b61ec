"""A client library for accessing Telemedical API"""

from .auth import (
    ClientCredentials,
    Pkce,
    RefreshToken,
    TokenError,
    authenticated_client,
    connect,
    new_idempotency_key,
)
from .client import AuthenticatedClient, Client
from .runtime import (
    ApiError,
    NotModified,
    NotModifiedError,
    RetryPolicy,
    Tagged,
    apaginate,
    etag_of,
    paginate,
)
from .webhook_events import WebhookEvent
from .webhooks import WebhookVerificationError, verify_webhook

__all__ = (
    "ApiError",
    "AuthenticatedClient",
    "Client",
    "ClientCredentials",
    "NotModified",
    "NotModifiedError",
    "Pkce",
    "RefreshToken",
    "RetryPolicy",
    "Tagged",
    "TokenError",
    "WebhookEvent",
    "WebhookVerificationError",
    "apaginate",
    "authenticated_client",
    "connect",
    "etag_of",
    "new_idempotency_key",
    "paginate",
    "verify_webhook",
)
