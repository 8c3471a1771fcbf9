"""Where a message goes: email (over SMTP, or to .eml files when no server is configured) and the
in-app inbox.

A channel that cannot deliver raises `DeliveryFailed`, which says whether trying again can help
(`permanent`) and whether the whole mail server is out (`server_down`), so that the delivery pass
holds every email back at once instead of waiting for the server message after message.
"""

from email.message import Message
from typing import Protocol


class DeliveryFailed(Exception):
    """A message could not be delivered; `reason` says why in words an operator understands."""

    def __init__(self, reason: str, *, permanent: bool = False, server_down: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.server_down = server_down


class EmailTransport(Protocol):
    """Sends built emails; opened lazily, closed once per delivery pass."""

    def send(self, message: Message, *, sender: str, recipient: str, name: str) -> None:
        """Deliver one email to one recipient (`name` is a stable name for the message)."""

    def close(self) -> None:
        """Release the connection, if any."""


__all__ = ["DeliveryFailed", "EmailTransport"]
