"""Every organisation's user accounts as its administrator sees them, and the programmes each auditor is granted."""

from projections.accounts.projection import AccountsProjection
from projections.accounts.view import AccountsView

__all__ = ["AccountsProjection", "AccountsView"]
