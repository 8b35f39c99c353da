"""Tables of the progress read model: plain rows, one per thing a screen shows."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, Integer, String

from projections.database import BoundedText, DecimalText, SafeText, UTCDateTime
from projections.view import View

ID = String(36)


class ProgressView(View):
    """Organisations and their sectors, programmes (and the years they continue and are continued by), scheme terms
    by version (pack deadlines and the providers left out too), provider-milestone progress (and its restatement), reviews, nudges."""

    name = "progress_v5"

    def define_tables(self) -> None:
        self.organisations = self.table(
            "organisations",
            Column("id", ID, primary_key=True),
            Column("name", SafeText),
            Column("kind", String(20)),
            Column("sector", String(30), nullable=True),
        )
        self.programmes = self.table(
            "programmes",
            Column("id", ID, primary_key=True),
            Column("commissioner_id", ID),
            Column("health_economy", SafeText),
            Column("contract_year", Integer),
            # The payment rules it pays by now (projections/progress/pricing.py reads and writes them).
            Column("rules_version", BoundedText(64)),
            Column("partial_fraction", DecimalText),
            Column("not_applicable", String(20)),
            Column("scale", String(10)),
            Column("steps", Integer),
            Column("rounding", String(20)),
            Column("continues", ID, nullable=True),
            Column("continued_by", ID, nullable=True),
        )
        self.providers = self.table(
            "providers",
            Column("programme_id", ID, primary_key=True),
            Column("provider_id", ID, primary_key=True),
            Column("contract_value", DecimalText),
            Column("cquin_rate", DecimalText),
        )
        self.schemes = self.table(
            "schemes",
            Column("id", ID, primary_key=True),
            Column("programme_id", ID, index=True),
            Column("ordinal", Integer),
            Column("code", BoundedText(64)),
            Column("title", SafeText),
            Column("status", String(10)),
            Column("terms_version", Integer),
            Column("agreed_version", Integer, nullable=True),
            Column("lead_id", ID, nullable=True),
        )
        self.participants = self.table(
            "participants",
            Column("scheme_id", ID, primary_key=True),
            Column("terms_version", Integer, primary_key=True),
            Column("provider_id", ID, primary_key=True),
            Column("weight", DecimalText),
        )
        self.exclusions = self.table(
            "exclusions",
            Column("scheme_id", ID, primary_key=True),
            Column("terms_version", Integer, primary_key=True),
            Column("provider_id", ID, primary_key=True),
            Column("reason", SafeText),
        )
        self.milestones = self.table(
            "milestones",
            Column("scheme_id", ID, primary_key=True),
            Column("terms_version", Integer, primary_key=True),
            Column("code", BoundedText(64), primary_key=True),
            Column("ordinal", Integer),
            Column("title", SafeText),
            Column("quarter", String(2)),
            Column("due", Date),
            Column("provider_id", ID, nullable=True),
            Column("weight", DecimalText),
            Column("numerator", SafeText, nullable=True),
            Column("denominator", SafeText, nullable=True),
            Column("minimum", DecimalText, nullable=True),
            Column("maximum", DecimalText, nullable=True),
            Column("direction", String(10), nullable=True),
            Column("basis", String(10), nullable=True),
            Column("baseline", DecimalText, nullable=True),
            Column("unit", String(10), nullable=True),
        )
        self.progress = self.table(
            "milestone_progress",
            Column("scheme_id", ID, primary_key=True),
            Column("provider_id", ID, primary_key=True),
            Column("milestone_code", BoundedText(64), primary_key=True),
            Column("programme_id", ID),
            Column("quarter", String(2)),
            Column("submission_id", ID, nullable=True, index=True),
            Column("state", String(20), nullable=True),
            Column("revision", Integer, nullable=True),
            Column("last_action_at", UTCDateTime, nullable=True),
            Column("lead_comments", SafeText, nullable=True),
            Column("assessment", String(20), nullable=True),
            Column("achievement", DecimalText, nullable=True),
            Column("assessed_revision", Integer, nullable=True),
            Column("assessed_at", UTCDateTime, nullable=True),
            Column("revised_on_appeal", Boolean, default=False),
            Column("override_reason", SafeText, nullable=True),  # why the status departs from the figures' share
            Column("figures_share", DecimalText, nullable=True),  # the share of the thresholds the figures gave
            # The latest evidence's figures: what a forecast carries forward and the what-if starts from.
            Column("numerator_value", DecimalText, nullable=True),
            Column("denominator_value", DecimalText, nullable=True),
            Column("fixed_value", DecimalText, nullable=True),
            # The latest restatement after the close; the columns above keep the assessment the quarter closed with.
            Column("restated_assessment", String(20), nullable=True),
            Column("restated_achievement", DecimalText, nullable=True),
            Column("restated_reason", SafeText, nullable=True),
            Column("restated_effective_on", Date, nullable=True),
            Column("restated_at", UTCDateTime, nullable=True),
            Column("late", Boolean, default=False),
            Index(f"{self.key}_by_programme", "programme_id", "quarter"),
            Index(f"{self.key}_by_provider", "provider_id", "programme_id"),
        )
        self.pack_deadlines = self.table(
            "pack_deadlines",
            Column("scheme_id", ID, primary_key=True),
            Column("terms_version", Integer, primary_key=True),
            Column("quarter", String(2), primary_key=True),
            Column("due", Date),
        )
        self.reviews = self.table(
            "reviews",
            Column("id", ID, primary_key=True),
            Column("scheme_id", ID, index=True),
            Column("quarter", String(2)),
            Column("status", String(10)),
            Column("pack_number", Integer, default=0),
            Column("presented_at", UTCDateTime, nullable=True),
            Column("queried_at", UTCDateTime, nullable=True),
            Column("questions", SafeText, nullable=True),
            Column("closed_at", UTCDateTime, nullable=True),
        )
        self.nudges = self.table(
            "nudges",
            Column("position", Integer, primary_key=True, autoincrement=False),
            Column("scheme_id", ID),
            Column("quarter", String(2)),
            Column("provider_id", ID),
            Column("nudged_at", UTCDateTime),
            Column("nudged_by", SafeText),
            Column("message", SafeText),
            Index(f"{self.key}_nudges_by_scheme", "scheme_id", "quarter"),
        )
