"""What an account may be: usernames, the roles each kind of organisation has, and the rules an account's changes
keep, each named by its error."""

from __future__ import annotations

import re

from domain.actors import Role
from domain.errors import DomainError, listed
from domain.limits import InvalidInputError
from domain.organisation import OrganisationKind

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
ROLES_BY_KIND = {
    OrganisationKind.COMMISSIONER: {Role.COMMISSIONER, Role.FINANCE_APPROVER, Role.AUDITOR, Role.ADMINISTRATOR},
    OrganisationKind.PROVIDER: {Role.PROVIDER, Role.AUDITOR, Role.ADMINISTRATOR},
}


def role_named(value: str) -> Role:
    """The role a form chose; InvalidInputError naming `role` when it chose none, or one no account may hold."""
    held = {role.value: role for roles in ROLES_BY_KIND.values() for role in roles}
    if value not in held:
        raise InvalidInputError("role", f"choose {listed(sorted(held), 'or')}")
    return held[value]


def named(display_name: str | None, username: str) -> str:
    """A person as others see them: `Priya Shah (dpt.quality)`, or the username alone for someone without a name."""
    return f"{display_name} ({username})" if display_name else username


class InvalidUsernameError(DomainError):
    """Usernames are 2 to 63 lower-case letters, digits, dots, dashes or underscores."""


class RoleNotForOrganisationError(DomainError):
    """Commissioner staff belong to a commissioner, provider staff to a provider."""


class AccountDisabledError(DomainError):
    """A disabled account cannot act."""


class AccountNotDisabledError(DomainError):
    """Only a disabled account can be enabled again."""


class RoleUnchangedError(DomainError):
    """A change of role names a role the account does not hold already."""

    field = "role"


class GrantsForAuditorsError(DomainError):
    """Only an auditor is granted programmes to read; every other role reads by what its organisation does."""


class NotGrantedError(DomainError):
    """A grant is withdrawn only while the auditor holds it, and made only while they do not."""
