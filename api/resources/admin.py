"""Platform administration (scope admin): partners, their OAuth clients, users."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.protector import current_principal
from api.db import get_session
from api.http.blueprint import Blueprint
from api.http.pagination import page_body, page_request
from api.models import OAuthClient, Partner, User
from api.schemas.admin import (
    ClientCreateSchema,
    ClientPageSchema,
    ClientWithSecret,
    ClientWithSecretSchema,
    PartnerCreateSchema,
    PartnerPageSchema,
    PartnerSchema,
    UserCreateSchema,
    UserSchema,
)
from api.schemas.common import PageArgsSchema
from api.services import accounts

blp = Blueprint("admin", __name__, url_prefix="/v1", description="Platform administration")


@blp.route("/partners")
class Partners(MethodView):
    @blp.operation("createPartner", scopes=["admin"], creates=Partner)
    @blp.arguments(PartnerCreateSchema)
    @blp.response(201, PartnerSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a partner

        A partner is a tenant: it owns its patients, and its clients see only those.
        """
        return accounts.create_partner(get_session(), current_principal(), data["name"])

    @blp.operation("listPartners", scopes=["admin"])
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, PartnerPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List partners

        Newest first, cursor-paginated.
        """
        page = accounts.list_partners(get_session(), current_principal(), page_request("partners", args))
        return page_body("partners", page)


@blp.route("/partners/<string:partner_id>/clients")
class PartnerClients(MethodView):
    @blp.operation("createClient", scopes=["admin"], errors=[409], creates=OAuthClient)
    @blp.arguments(ClientCreateSchema)
    @blp.response(201, ClientWithSecretSchema)
    def post(self, data: dict[str, Any], partner_id: str) -> Any:
        """Register an OAuth client for a partner

        The `client_secret` of a confidential client is in this response only; it is stored hashed.
        """
        client, secret = accounts.create_client(
            get_session(),
            current_principal(),
            partner_id,
            name=data["name"],
            grant_type=data["grant_type"],
            scope=data["scope"],
            redirect_uris=data["redirect_uris"],
            public=data["public"],
            can_introspect=data["can_introspect"],
        )
        return ClientWithSecret(client, secret)

    @blp.operation("listClients", scopes=["admin"])
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, ClientPageSchema)
    def get(self, args: dict[str, Any], partner_id: str) -> Any:
        """List a partner's OAuth clients

        Secrets are never shown again after creation.
        """
        page = accounts.list_clients(
            get_session(), current_principal(), partner_id, page_request("clients", args)
        )
        return page_body("clients", page)


@blp.route("/users")
class Users(MethodView):
    @blp.operation("createUser", scopes=["admin"], errors=[409], creates=User)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a user

        An admin, provider or patient who signs in with a password (argon2id-hashed) through the
        authorization-code flow. Patients are usually invited instead (createInvitation).
        """
        return accounts.create_user(get_session(), current_principal(), **data)
