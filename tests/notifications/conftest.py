"""Fixtures of the notification tests: a real SMTP server (aiosmtpd), staff members, and a
context whose settings send mail to that server.

DESIGN §4: "Fakes over mocks; a real SMTP server (aiosmtpd) and a real database in integration
tests." DESIGN §5: "aiosmtpd's `Controller(port=0)` does not work: bind a free port first and
pass it."
"""

import asyncio
import email
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from casework.config import SmtpSettings
from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.models import OutboxMessage, User
from casework.schemas import CaseCreate
from casework.services import cases
from tests.conftest import MONTREAL, montreal

MESSAGE_ID = re.compile(r"<casework\.(\d+)\.")


def free_port() -> int:
    """Return a TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    """One email as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def outbox_id(self) -> int:
        return int(MESSAGE_ID.match(self.message["Message-ID"]).group(1))

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def words(self) -> str:
        """The plain text on one line (the lines of an email are wrapped)."""
        return " ".join(self.text.split())

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


class Mailbox:
    """An aiosmtpd handler that keeps what it receives; it can be told to hold the next message
    (to kill a sender in the middle of a delivery)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.hold_next = False
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.hold_next:
            self.hold_next = False
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 Held by the test; not delivered"
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=policy.default)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message, raw)
            )
        return "250 2.0.0 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self, mailbox: Mailbox, *, credentials: tuple[str, str] | None = None) -> None:
        self.mailbox = mailbox
        self.port = free_port()
        self.credentials = credentials
        self.controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and (
                auth_data.login.decode(),
                auth_data.password.decode(),
            )
            == self.credentials
        )
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        options = {}
        if self.credentials:
            options = {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": False,
            }
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, **overrides) -> SmtpSettings:
        return SmtpSettings(
            host="127.0.0.1",
            port=self.port,
            security="none",
            from_address="Plaintes <plaintes@organisme.example.qc.ca>",
            reply_to="plaintes@organisme.example.qc.ca",
            timeout_seconds=5,
            **overrides,
        )


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def smtp(mailbox) -> Iterator[SmtpServer]:
    """A real SMTP server, running."""
    server = SmtpServer(mailbox)
    server.start()
    yield server
    mailbox.release.set()
    server.stop()


@pytest.fixture
def mail_ctx(ctx, smtp) -> AppContext:
    """The test's context, sending its email to the test's SMTP server."""
    ctx.settings = ctx.settings.model_copy(update={"smtp": smtp.settings()})
    return ctx


@dataclass
class Staff:
    agent: User  # Jean Roy, French
    officer: User  # Lucie Martin, English
    supervisor: User  # Sophie Gagnon, French


def add_user(ctx: AppContext, username: str, full_name: str, role: str, **fields) -> User:
    """Add a staff member straight to the database."""
    with unit_of_work(ctx.engine) as session:
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            email=fields.pop("email", f"{username}@organisme.example.qc.ca"),
            language=fields.pop("language", "fr"),
            created_at=ctx.now(),
            **fields,
        )
        session.add(user)
        session.flush()
    return user


@pytest.fixture
def staff(ctx) -> Staff:
    return Staff(
        agent=add_user(ctx, "jean.roy", "Jean Roy", "agent"),
        officer=add_user(ctx, "lucie.martin", "Lucie Martin", "officer", language="en"),
        supervisor=add_user(ctx, "sophie.gagnon", "Sophie Gagnon", "supervisor"),
    )


def open_case(ctx: AppContext, **fields):
    """Register a case through the case service."""
    data = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "Délai de traitement d'une demande de permis",
        **fields,
    }
    return cases.open_case(
        ctx,
        interface="api",
        actor=Actor("test", role="admin"),
        data=CaseCreate.model_validate(data),
    ).case


def at(ctx: AppContext, *args: int) -> datetime:
    """Move the test's clock to a Montreal time and return it."""
    ctx.clock.current = montreal(*args)
    return ctx.clock.current


def outbox_rows(ctx: AppContext) -> list[OutboxMessage]:
    with read_session(ctx.engine) as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def casework_process(*args: str, env: dict[str, str], cwd) -> subprocess.Popen:
    """Start the real `casework` command in a child process."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    environment.update(env)
    return subprocess.Popen(
        [sys.executable, "-m", "casework", *args],
        env=environment,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def process_env(ctx: AppContext, smtp: SmtpServer, tmp_path) -> dict[str, str]:
    """The environment of a child `casework` process on the test's database and SMTP server."""
    return {
        "CASEWORK_DATABASE__URL": ctx.settings.database.url,
        "CASEWORK_SMTP__HOST": "127.0.0.1",
        "CASEWORK_SMTP__PORT": str(smtp.port),
        "CASEWORK_SMTP__SECURITY": "none",
        "CASEWORK_SMTP__TIMEOUT_SECONDS": "10",
        "CASEWORK_DATA_DIR": str(tmp_path / "var"),
        "CASEWORK_LOGGING__LEVEL": "WARNING",
    }


def wait_for(condition, timeout: float = 30.0) -> None:
    """Wait until `condition()` is true, or fail."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


__all__ = ["MONTREAL", "montreal"]
