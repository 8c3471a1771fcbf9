"""A real IMAP server for the tests: Debian's Dovecot, started on a free port with a temporary mail
store. Each test gets a mailbox of its own (the server accepts any user name with the password
`secret`), so one server serves a whole module."""

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from casework.config import MailSettings
from casework.mailbox import folder_name
from tests.conftest import require

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "secret"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/tls/cert.pem
ssl_key = <{root}/tls/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 1
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    port: int  # plain IMAP (and STARTTLS)
    tls_port: int  # IMAP over TLS
    ca_file: Path  # the certificate the server shows, to trust


@dataclass
class Mailbox:
    """One user's mailbox on the test server."""

    port: int
    user: str
    server: Server | None = None

    def settings(self, **overrides) -> MailSettings:
        values = {
            "imap_host": "127.0.0.1",
            "imap_port": self.port,
            "security": "none",
            "username": self.user,
            "password": PASSWORD,
        }
        return MailSettings(**{**values, **overrides})

    def client(self, folder: str = "INBOX") -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(self.user, PASSWORD)
        client.select(folder_name(folder))
        return client

    def deliver(self, raw: bytes, *, at: datetime | None = None) -> None:
        """Put a message in the inbox, unseen, as the office's server would (INTERNALDATE)."""
        client = self.client()
        try:
            stamp = imaplib.Time2Internaldate(at or time.time())
            status, _ = client.append("INBOX", None, stamp, raw)
            assert status == "OK"
        finally:
            client.logout()

    def count(self, criterion: str = "ALL", folder: str = "INBOX") -> int:
        client = self.client(folder)
        try:
            _, data = client.uid("SEARCH", None, criterion)
            return len(data[0].split()) if data and data[0] else 0
        finally:
            client.logout()


@pytest.fixture(scope="module")
def imap_server() -> Iterator[Server]:
    """Start Dovecot on free ports (plain and TLS); stop it after the module."""
    if not os.access(DOVECOT, os.X_OK):
        require("Dovecot", "install dovecot-imapd (scripts/system-packages test)")
    # Not under pytest's own folder, which only its owner may enter: Dovecot's mail processes
    # run as another account when the tests run as root.
    root = Path(tempfile.mkdtemp(prefix="casework-dovecot-"))
    root.chmod(0o755)
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir()
    if os.getuid() == 0:
        # Dovecot refuses to serve mail as root: the mail belongs to its own account.
        owner = pwd.getpwnam("dovecot")
        uid, gid = owner.pw_uid, owner.pw_gid
        internal_user, internal_group, login_user = "dovecot", "dovecot", "dovenull"
        for folder in ("mail", "home"):
            shutil.chown(root / folder, uid, gid)
    else:
        me = pwd.getpwuid(os.getuid())
        uid, gid = me.pw_uid, me.pw_gid
        internal_user = login_user = me.pw_name
        internal_group = str(gid)
    port, tls_port = _free_port(), _free_port()
    # A certificate of its own for 127.0.0.1, which the tests trust through mail.ca_file.
    (root / "tls").mkdir()
    made = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(root / "tls" / "key.pem"),
            "-out",
            str(root / "tls" / "cert.pem"),
        ],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        require("openssl", "to make the IMAP server's test certificate")
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root,
            port=port,
            tls_port=tls_port,
            uid=uid,
            gid=gid,
            internal_user=internal_user,
            internal_group=internal_group,
            login_user=login_user,
            password=PASSWORD,
        )
    )
    # Dovecot forks its master process, which would hold pipes open: its words go to a file.
    errors = root / "start.log"
    with open(errors, "w") as output:
        started = subprocess.run(
            [DOVECOT, "-c", str(config)], stdout=output, stderr=output, check=False
        )
    if started.returncode != 0:
        require("Dovecot", f"it did not start: {errors.read_text().strip()}")
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                require("Dovecot", f"it does not answer on port {port}")
            time.sleep(0.1)
    yield Server(port=port, tls_port=tls_port, ca_file=root / "tls" / "cert.pem")
    pid = int((root / "run" / "master.pid").read_text())
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while (root / "run" / "master.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(imap_server) -> Mailbox:
    """A mailbox of this test's own on the test server."""
    return Mailbox(
        port=imap_server.port, user=f"plaintes-{uuid.uuid4().hex[:8]}", server=imap_server
    )
