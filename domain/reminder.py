"""A reminder Corral sends a provider whose evidence is due soon, or overdue: once each, so its id is its purpose."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.actors import Actor
from domain.milestones import Milestone, Quarter


class Reminder(Aggregate):
    """One reminder, recorded when sent; a second for the same purpose cannot be created."""

    class Sent(Aggregate.Created):
        programme_id: UUID
        scheme_id: UUID
        quarter: Quarter
        provider_id: UUID
        milestone_code: str
        due: date
        overdue: bool
        actor: Actor

    @staticmethod
    def create_id(scheme_id: UUID, provider_id: UUID, milestone_code: str, overdue: bool, **_: object) -> UUID:
        return ids.reminder_id(scheme_id, provider_id, milestone_code, overdue)

    @classmethod
    def send(
        cls, actor: Actor, programme_id: UUID, scheme_id: UUID, provider_id: UUID, milestone: Milestone, today: date
    ) -> Reminder:
        """Remind the provider of a milestone's evidence: `overdue` once its due date has passed."""
        actor.require_system()
        created: Reminder = cls(
            programme_id=programme_id,
            scheme_id=scheme_id,
            quarter=milestone.quarter,
            provider_id=provider_id,
            milestone_code=milestone.code,
            due=milestone.due,
            overdue=today > milestone.due,
            actor=actor,
        )
        return created

    @event(Sent)
    def __init__(
        self,
        programme_id: UUID,
        scheme_id: UUID,
        quarter: Quarter,
        provider_id: UUID,
        milestone_code: str,
        due: date,
        overdue: bool,
        actor: Actor,
    ) -> None:
        self.scheme_id = scheme_id
        self.quarter = quarter
        self.provider_id = provider_id
        self.milestone_code = milestone_code
        self.overdue = overdue
