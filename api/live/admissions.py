"""Who a socket's token names and which topics its actor may follow, remembered between the changes that may alter it.

Opening a socket asks whether its token was signed out, and who its account is now; subscribing asks what the topic
covers for that actor. Each answer is remembered (memo.py) until the hub hears of something that may change it:
- who a token names (its account, at the token's password generation) and a topic as authorised for an actor
  (its user, organisation, role and programmes granted): until an access change (an account's or API client's
  change, a lead designated, a provider joining, terms agreed), which the hub hears in log order before any later
  change;
- whether a token was signed out: until a sign-out of it is heard, or the hub listens again after a gap, when any
  sign-out may have gone unheard.
A socket opened on an answer the log has already moved past is in the hub's reach when the change arrives, and is
checked again then as every open socket is (guard.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from uuid import UUID

from api.live.memo import Memo
from api.live.topics import Topic, authorise
from api.http.security import SignInError, TokenClaims, actor_from_claims
from api.storage.revocations import RevokedTokens
from domain.actors import Actor
from domain.application import Corral
from projections.progress.view import ProgressView

SIGNED_OUT = "this session was signed out: sign in again"


class Admissions:
    """The remembered answers of one server process's hub."""

    def __init__(self, corral: Corral, revocations: RevokedTokens, readings: ProgressView) -> None:
        self.corral, self.revocations, self.readings = corral, revocations, readings
        self.signed_out: Memo[str, bool] = Memo()
        self.actors: Memo[tuple[str, int], Actor] = Memo()
        self.topics: Memo[tuple[Actor, frozenset[UUID], str], Topic] = Memo()

    async def actor(self, claims: TokenClaims) -> Actor:
        """The actor valid claims name, as `actor_from_claims` would answer; SignInError if none."""
        if await self.signed_out.get(claims.token_id, partial(self.revocations.is_revoked, claims.token_id)):
            raise SignInError(SIGNED_OUT)
        account = (claims.username, claims.password_generation)
        return await self.actors.get(account, partial(actor_from_claims, self.corral, claims, _asked_apart))

    async def topic(self, actor: Actor, name: str) -> Topic:
        """The topic as this actor may follow it; DomainError if not theirs to read."""
        who = (actor, actor.programmes)  # all an actor is: an inbox is one user's, an auditor's grants its own
        return await self.topics.get((*who, name), partial(authorise, self.readings, actor, name))

    def identify(self, claims: TokenClaims) -> Actor:
        """Who the claims name now, read afresh, remembering nothing (in a thread): the hub's check after a change."""
        return actor_from_claims(self.corral, claims, self.revocations.is_revoked)

    def access_changed(self) -> None:
        """An account, a lead, a programme's providers or a scheme's terms changed: ask everyone again."""
        self.actors.forget()
        self.topics.forget()

    def tokens_signed_out(self, token_ids: Iterable[str] | None) -> None:
        """These tokens were signed out (None: any may have been, unheard)."""
        self.signed_out.forget(token_ids)


def _asked_apart(token_id: str) -> bool:
    """Whether a token was signed out is remembered per token, apart from who its account names."""
    return False
