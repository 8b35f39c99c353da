"""Use cases for API clients: an organisation's administrator registers and revokes them; a token asks for one.
The caller makes each client's id and secret and hashes the secret; this layer records only the hash."""

from __future__ import annotations

from domain import ids
from domain.actors import Actor, Role
from domain.api_client import ApiClient
from domain.errors import NotFoundError, NotPermittedError
from domain.reads import ReadService
from domain.service import Recorded, require_version


class ApiClientService(ReadService):
    """Register, revoke and look up the clients other systems act through."""

    def register_api_client(
        self,
        actor: Actor,
        client_id: str,
        name: str,
        role: Role,
        scopes: tuple[str, ...] | list[str],
        secret_hash: str,
    ) -> Recorded:
        """The organisation's own administrator registers a client acting for it with a role and scopes."""
        organisation = self.organisation(actor.organisation_id)
        client = ApiClient.register(
            actor, client_id, organisation.id, organisation.kind, name, role, scopes, secret_hash
        )
        return self._create(client, message="that client id is taken: try again")

    def revoke_api_client(
        self, actor: Actor, client_id: str, reason: str, expected_version: int | None = None
    ) -> Recorded:
        """The organisation's own administrator revokes a client: its tokens stop working at once."""
        client = self.api_client_to_manage(actor, client_id)
        require_version(client, expected_version)
        client.revoke(actor, reason)
        return self._save(client)

    def api_client_to_manage(self, actor: Actor, client_id: str) -> ApiClient:
        """The client an administrator names: another organisation's reads exactly like one that does not exist."""
        if actor.role is not Role.ADMINISTRATOR:
            raise NotPermittedError("only an organisation's administrator manages its API clients")
        client = self._find(ApiClient, ids.api_client_id(client_id))
        if client is None or not client.is_visible_to(actor):
            raise NotFoundError(f"no API client has the id {client_id!r}")
        return client

    def api_client(self, client_id: str) -> ApiClient:
        """A client by its client id, or NotFoundError."""
        return self._get(ApiClient, ids.api_client_id(client_id))

    def api_client_to_read(self, client_id: str) -> ApiClient:
        """A client by its client id, as the cache holds it, to read only (no copy is made), or NotFoundError."""
        return self._read(ApiClient, ids.api_client_id(client_id))
