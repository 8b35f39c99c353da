"""The audit trail: one plain-English row per event of the log, filtered and paged newest first."""

from __future__ import annotations

from projections.audit.projection import AuditProjection
from projections.audit.queries import AuditEntry, AuditPage, ChangeScope, audit_trail, changes_in, whole_trail
from projections.audit.view import AuditView

__all__ = [
    "AuditEntry",
    "AuditPage",
    "AuditProjection",
    "AuditView",
    "ChangeScope",
    "audit_trail",
    "changes_in",
    "whole_trail",
]
