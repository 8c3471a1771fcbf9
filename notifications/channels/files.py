"""Write each email as an `.eml` file under `<data_dir>/mail/` when no SMTP server is configured.

The embedded default of `make run`: a newcomer opens `var/mail/*.eml` with any mail program (or
reads it as text: bodies are kept in 8-bit UTF-8) and sees what casework would have sent. A file
is written whole under a temporary name, then renamed, and its name comes from the message, so a
message delivered again replaces its own file instead of adding a second one.
"""

import os
from email.message import Message
from pathlib import Path

from notifications.channels import DeliveryFailed


class FileTransport:
    """A folder of .eml files standing in for the mail server."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send(self, message: Message, *, sender: str, recipient: str, name: str) -> None:
        """Write the email to `<folder>/<name>.eml`."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{name}.eml"
            partial = path.with_suffix(".eml.part")
            partial.write_bytes(message.as_bytes())
            os.replace(partial, path)
        except OSError as exc:
            raise DeliveryFailed(
                f"cannot write the mail file in {self.folder}: {exc}", server_down=True
            ) from None

    def close(self) -> None:
        pass
