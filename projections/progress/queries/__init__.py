"""Every read of the progress view, and who may see which rows of it: routes, pages, exports, the CLI and live
topics read here, and nowhere else writes SQL over the view's tables."""

from __future__ import annotations

from projections.progress.queries.access import (
    ProgrammeAccess,
    audit_access,
    board_access,
    may_read_dashboard,
    pack_part,
    programme_access,
    provider_table_access,
    review_access,
    unseen,
    visible_programmes,
)
from projections.progress.queries.collation import CollationBoard, collation_board
from projections.progress.queries.dashboard import ProgrammeDashboard, joined_programmes, provider_dashboard
from projections.progress.queries.forecast import Forecast, Outlook, ProviderForecast, Scenario, forecast_for
from projections.progress.queries.matrix import (
    Goals,
    ProgressMatrix,
    QuarterRow,
    goals_table,
    progress_for,
    progress_matrix,
    quarter_table,
)
from projections.progress.queries.nudges import OpenNudge, open_nudges
from projections.progress.queries.organisations import (
    LeftOut,
    OrganisationFacts,
    organisations_listed,
    programme_providers,
    scheme_exclusions,
)
from projections.progress.queries.payments import (
    Overridden,
    PaymentsSeen,
    ProgrammePayments,
    ProviderPayments,
    payments_for,
    programme_payments,
    values_if_agreed,
)
from projections.progress.queries.programmes import (
    ProgrammeFacts,
    ProgrammeHeading,
    SchemeHeading,
    agreed_scheme_ids,
    every_programme,
    linked_years,
    programme_heading,
    programme_key,
    programmes_for,
    programmes_taken_part_in,
    provider_names,
    scheme_headings,
    scheme_row,
)
from projections.progress.queries.queues import QueueSection, WorkItem, WorkQueue, evidence_to_remind, work_queue
from projections.progress.queries.replay import Difference, Replay, replay, replay_for
from projections.progress.queries.restatements import RestatedMilestone
from projections.progress.queries.rules import programme_rules
from projections.progress.queries.settlements import settlement
from projections.progress.queries.scheme_money import (
    SchemeLabel,
    SchemeMoney,
    SchemeQuarter,
    scheme_quarters,
    scheme_totals,
)
from projections.progress.queries.what_if import Moved, Supposition, WhatIf, may_ask_about, open_milestones, what_if_for
from projections.progress.queries.reading import MilestoneProgress, load_progress, name_order, organisation_names

__all__ = [
    "Forecast",
    "Outlook",
    "ProviderForecast",
    "Scenario",
    "Moved",
    "Supposition",
    "WhatIf",
    "forecast_for",
    "may_ask_about",
    "open_milestones",
    "what_if_for",
    "Goals",
    "CollationBoard",
    "LeftOut",
    "MilestoneProgress",
    "OpenNudge",
    "Overridden",
    "Difference",
    "Replay",
    "RestatedMilestone",
    "SchemeLabel",
    "SchemeMoney",
    "SchemeQuarter",
    "OrganisationFacts",
    "PaymentsSeen",
    "ProgrammeAccess",
    "ProgrammeDashboard",
    "ProgrammeFacts",
    "ProgrammeHeading",
    "ProgrammePayments",
    "ProgressMatrix",
    "ProviderPayments",
    "QuarterRow",
    "QueueSection",
    "SchemeHeading",
    "WorkItem",
    "WorkQueue",
    "agreed_scheme_ids",
    "audit_access",
    "board_access",
    "collation_board",
    "evidence_to_remind",
    "every_programme",
    "load_progress",
    "may_read_dashboard",
    "name_order",
    "open_nudges",
    "organisation_names",
    "organisations_listed",
    "pack_part",
    "payments_for",
    "programme_access",
    "programme_heading",
    "programme_payments",
    "values_if_agreed",
    "programme_providers",
    "programme_rules",
    "linked_years",
    "programmes_for",
    "programmes_taken_part_in",
    "progress_for",
    "goals_table",
    "progress_matrix",
    "provider_dashboard",
    "joined_programmes",
    "programme_key",
    "provider_names",
    "provider_table_access",
    "quarter_table",
    "replay",
    "replay_for",
    "review_access",
    "scheme_exclusions",
    "settlement",
    "scheme_headings",
    "scheme_quarters",
    "scheme_totals",
    "scheme_row",
    "unseen",
    "visible_programmes",
    "work_queue",
]
