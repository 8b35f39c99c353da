"""Every user's inbox: the notices events raise for their organisation, what they have read, and their email."""

from projections.notifications.projection import NotificationsProjection
from projections.notifications.view import NotificationsView

__all__ = ["NotificationsProjection", "NotificationsView"]
