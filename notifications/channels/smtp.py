"""Send emails over SMTP, with STARTTLS, SSL or neither, and a login when configured.

The connection is opened at the first message of a delivery pass and kept for the others. A
server that cannot be reached, or refuses the login, is reported as `server_down`: the pass then
keeps every email pending with that error instead of trying each one. A refusal with a 5xx code
concerns that message alone and is final; a 4xx refusal is temporary and the message is retried.
"""

import smtplib
import ssl
from email.message import Message

from casework.config import SmtpSettings
from notifications.channels import DeliveryFailed


class SmtpTransport:
    """One SMTP connection, opened on demand."""

    def __init__(self, settings: SmtpSettings) -> None:
        if not settings.host:
            raise ValueError("smtp.host is not set")
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    @property
    def server(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _connect(self) -> smtplib.SMTP:
        config = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP | None = None
        try:
            if config.security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=config.timeout_seconds, context=context
                )
            else:
                smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
            smtp.ehlo()
            if config.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if config.username:
                password = config.password.get_secret_value() if config.password else ""
                smtp.login(config.username, password)
        except (OSError, smtplib.SMTPException) as exc:
            if smtp is not None:
                _quietly_close(smtp)
            raise DeliveryFailed(
                f"mail server {self.server} unavailable: {_describe(exc)}", server_down=True
            ) from None
        return smtp

    def send(self, message: Message, *, sender: str, recipient: str, name: str) -> None:
        """Send one email; raise DeliveryFailed saying whether retrying can help."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise DeliveryFailed(
                f"the mail server refused the recipient {recipient}: {code} {_text(text)}",
                permanent=500 <= code < 600,
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            # The From address is a setting: every message would fail alike, so keep them all.
            raise DeliveryFailed(
                f"the mail server refused the sender {sender}: {exc.smtp_code} "
                f"{_text(exc.smtp_error)} (check smtp.from_address)",
                server_down=True,
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryFailed(
                f"the mail server refused the message: {exc.smtp_code} {_text(exc.smtp_error)}",
                permanent=500 <= exc.smtp_code < 600,
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            # Connection lost in the middle: this message is retried; the next one reconnects.
            self.close()
            raise DeliveryFailed(
                f"connection to the mail server {self.server} lost: {_describe(exc)}"
            ) from None

    def close(self) -> None:
        if self._smtp is not None:
            _quietly_close(self._smtp)
            self._smtp = None


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{exc.__class__.__name__}: {exc}".rstrip(": ")
