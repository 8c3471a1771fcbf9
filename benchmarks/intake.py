"""Benchmark email intake: messages parsed and turned into cases per second.

Run: .venv/bin/python -m benchmarks.intake   (SQLite; also PostgreSQL when
CASEWORK_TEST_DATABASE_URL names a server, as in CI)

A corpus of 1,000 messages, each a new complaint with two attachments (a 60 KB PDF and a 20 KB
image, different in each message), goes through the path `casework mail fetch` takes,
`casework.services.intake.receive_batch`, in batches of `mail.batch_size` messages: reading each
message, recognizing and storing its files by hash (written, flushed to disk, named, their
folders flushed), and one transaction a batch with each message's row, case, requester, first
event and documents. The baseline, measured in the same run on the same database, is the bare
`open_case` command for the same case (no message, no file), one command a case.

Target (issue 14): the email path costs at most 3 times the bare command. Timed in rounds of 200
messages, each batch followed by as many bare commands; a round's cost is its total time divided
by its messages (or commands), and the best round of each is reported. One message alone
(`casework mail import`, a batch of one) is measured too, for information. Exits with status 1
when the target is missed.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from benchmarks.common import empty_postgresql_database
from casework import migrate
from casework.config import DatabaseSettings, MailSettings, Settings
from casework.context import Actor, AppContext, FixedClock
from casework.db import make_engine
from casework.schemas import CaseCreate
from casework.services import cases, intake
from casework.services.calendar import refresh

MESSAGES = 1_000
ROUNDS = 5
PER_ROUND = MESSAGES // ROUNDS
BATCH = MailSettings().batch_size
ALONE = 100
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TEXT = (
    "Bonjour,\r\n\r\nJ’ai reçu un avis de la Régie le 12 novembre; je conteste la décision "
    "« sans délai ». Vous trouverez ci-joint la lettre et une photo.\r\n\r\nMarie Tremblay\r\n"
)


def _base64(data: bytes) -> str:
    import base64

    return base64.encodebytes(data).decode("ascii")


def message(n: int) -> bytes:
    """A new complaint with two attachments of its own (so that no file is deduplicated)."""
    pdf = b"%PDF-1.7\n" + f"% message {n}\n".encode() + os.urandom(60 * 1024)
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(20 * 1024)
    return (
        "Received: from mx.example.org by imap.example.qc.ca; Mon, 23 Nov 2026 09:12:00 -0500\r\n"
        "From: Marie Tremblay <marie.tremblay@example.org>\r\n"
        "To: plaintes@example.qc.ca\r\n"
        "Subject: =?UTF-8?Q?Contestation_d=E2=80=99une_d=C3=A9cision?=\r\n"
        "Date: Mon, 23 Nov 2026 09:11:00 -0500\r\n"
        f"Message-ID: <bench-{n}-{uuid.uuid4().hex}@example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + TEXT
        + "--b\r\nContent-Type: application/pdf\r\n"
        'Content-Disposition: attachment; filename="lettre.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        + _base64(pdf)
        + "--b\r\nContent-Type: image/png\r\n"
        'Content-Disposition: attachment; filename="photo.png"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n" + _base64(png) + "--b--\r\n"
    ).encode("utf-8")


BARE = CaseCreate(
    kind="complaint",
    channel="email",
    subject="Contestation d’une décision",
    description=TEXT,
    received_at="2026-11-23T09:12:00-05:00",
    requester={"name": "Marie Tremblay", "email": "marie.tremblay@example.org"},
)


def run(label: str, url: str, data_dir: Path) -> bool:
    settings = Settings(database=DatabaseSettings(url=url), data_dir=data_dir)
    engine = make_engine(settings.database)
    migrate.upgrade(engine)
    ctx = AppContext(settings=settings, engine=engine, clock=FixedClock(NOW))
    refresh(ctx)
    print(f"\n{label}: building {MESSAGES:,} messages with two attachments each...", flush=True)
    corpus = [message(n) for n in range(MESSAGES)]
    size = sum(len(raw) for raw in corpus) / MESSAGES / 1024
    intake.receive(ctx, raw=message(-1))  # warm up: the calendar, the statements
    cases.open_case(ctx, interface="api", actor=Actor.system(), data=BARE)
    email_rounds, bare_rounds = [], []
    for round_ in range(ROUNDS):
        messages = [
            intake.Incoming(raw=raw)
            for raw in corpus[round_ * PER_ROUND : (round_ + 1) * PER_ROUND]
        ]
        email_time = bare_time = 0.0
        # A batch, then as many bare commands: both see the machine in the same state.
        for first in range(0, len(messages), BATCH):
            batch = messages[first : first + BATCH]
            started = time.perf_counter()
            results = intake.receive_batch(ctx, messages=batch)
            email_time += time.perf_counter() - started
            if any(result.outcome != "new_case" for result in results):
                raise SystemExit(f"a message was not made a case: {results}")
            started = time.perf_counter()
            for _ in batch:
                cases.open_case(ctx, interface="api", actor=Actor.system(), data=BARE)
            bare_time += time.perf_counter() - started
        email_rounds.append(email_time / len(messages))
        bare_rounds.append(bare_time / len(messages))
    alone_times = []
    for n in range(ALONE):
        raw = message(MESSAGES + n)
        started = time.perf_counter()
        intake.receive(ctx, raw=raw)
        alone_times.append(time.perf_counter() - started)
    email, bare, alone = min(email_rounds), min(bare_rounds), statistics.median(alone_times)
    ratio = email / bare
    with engine.connect() as connection:
        made = connection.execute(text("SELECT count(*) FROM documents")).scalar_one()
    print(f"  messages of {size:.0f} KB on average, {made:,} documents stored")
    print(f"  bare open_case command               {bare * 1000:8.2f} ms   {1 / bare:8.0f} /s")
    print(
        f"  email to case, batches of {BATCH:<4}      {email * 1000:8.2f} ms   {1 / email:8.0f} /s"
        f"   {ratio:.2f}x the bare command"
    )
    print(
        f"  one message alone (mail import)      {alone * 1000:8.2f} ms   {1 / alone:8.0f} /s"
        f"   {alone / bare:.2f}x (median, for information)"
    )
    ok = ratio <= 3.0
    print(f"  {'PASS' if ok else 'FAIL'}  email path <= 3x the bare open_case command")
    engine.dispose()
    return ok


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(run("SQLite", f"sqlite:///{folder}/bench.db", Path(folder) / "var"))
        admin_url = os.environ.get("CASEWORK_TEST_DATABASE_URL")
        if admin_url:
            with empty_postgresql_database(admin_url) as url:
                results.append(run("PostgreSQL", url, Path(folder) / "var-pg"))
        else:
            print("\nPostgreSQL: skipped (set CASEWORK_TEST_DATABASE_URL to include it)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
