"""The audit trail: one plain-English row per event of the log, filtered and paged newest first."""

from __future__ import annotations

from projections.audit.projection import AuditProjection
from projections.audit.queries import AuditEntry, AuditPage, audit_trail
from projections.audit.view import AuditView

__all__ = ["AuditEntry", "AuditPage", "AuditProjection", "AuditView", "audit_trail"]
