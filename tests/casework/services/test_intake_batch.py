"""Email intake in batches (issue 14's intake speed): the messages of a batch are committed
together, but each is still taken once and on its own: one that cannot be registered is kept in
quarantine without losing the others, and a crash before the commit leaves only files no row
names, which the orphan sweep removes."""

import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from casework.context import Actor
from casework.models import Case, CaseEvent, Document, IncomingMessage
from casework.services import documents, intake, retention
from tests import ROOT
from tests import mail_corpus as corpus

MONTREAL = ZoneInfo("America/Toronto")
OFFICER = Actor(label="user:responsable", role="officer")


def rows(ctx, model, *where) -> list:
    with Session(ctx.engine) as session:
        return list(session.exec(select(model).where(*where)))


def stored_files(ctx) -> list[str]:
    """The files named in the document store (the spool of files being written aside)."""
    root = documents.store(ctx).root
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.rglob("*") if p.is_file() and root / "tmp" not in p.parents)


def spooled(ctx) -> list[str]:
    spool = documents.store(ctx).root / "tmp"
    return sorted(p.name for p in spool.iterdir()) if spool.is_dir() else []


def test_a_message_refused_or_unreadable_in_a_batch_is_quarantined_and_the_others_become_cases(
    ctx,
):
    first = corpus.three_attachments(message_id="<first@example.org>")
    # Received in 1990, a year the calendar does not cover: read, but refused as a case.
    refused = corpus.utf8_quoted_printable(message_id="<refused@example.org>")
    last = corpus.utf8_quoted_printable(message_id="<last@example.org>")
    results = intake.receive_batch(
        ctx,
        messages=[
            intake.Incoming(raw=first),
            intake.Incoming(raw=refused, internaldate=datetime(1990, 3, 1, 9, 0, tzinfo=MONTREAL)),
            intake.Incoming(raw=corpus.malformed()),
            intake.Incoming(raw=last),
            intake.Incoming(raw=first),  # the same message twice in one batch
        ],
    )
    assert [r.outcome for r in results] == [
        "new_case",
        "quarantined",
        "quarantined",
        "new_case",
        None,
    ]
    assert [r.reference for r in results if r.reference] == ["PLT-2026-00001", "PLT-2026-00002"]
    assert sorted(c.reference for c in rows(ctx, Case)) == ["PLT-2026-00001", "PLT-2026-00002"]
    # Nothing of the refused message was kept but its row and its bytes.
    assert len(rows(ctx, CaseEvent, CaseEvent.kind == "created")) == 2
    assert len(rows(ctx, IncomingMessage)) == 4
    kept = {row.reason: row for row in intake.quarantined(ctx, actor=OFFICER)}
    assert set(kept) == {
        "The message could not be registered as a case.",
        "The message has no sender (no From header).",
    }
    for raw, row in (
        (refused, kept["The message could not be registered as a case."]),
        (corpus.malformed(), kept["The message has no sender (no From header)."]),
    ):
        _row, path = intake.quarantined_file(ctx, actor=OFFICER, message_id=row.id)
        assert path.read_bytes() == raw
        assert row.raw_size == len(raw)
    # The first message's two accepted attachments, and the two quarantined messages' bytes.
    assert len(rows(ctx, Document)) == 2
    assert len(stored_files(ctx)) == 4
    assert spooled(ctx) == []


def test_a_batch_seen_before_is_recognized_message_by_message(ctx):
    one = corpus.utf8_quoted_printable(message_id="<one@example.org>")
    two = corpus.latin1_8bit(message_id="<two@example.org>")
    assert intake.receive(ctx, raw=one).outcome == "new_case"
    results = intake.receive_batch(
        ctx, messages=[intake.Incoming(raw=one), intake.Incoming(raw=two)]
    )
    assert [r.outcome for r in results] == [None, "new_case"]
    assert len(rows(ctx, Case)) == 2


KILLED_BEFORE_COMMIT = """
import os, signal, sys
from casework import storage
from casework.cli.common import context
from casework.services import intake
from tests import mail_corpus as corpus

flush_folders = storage.DocumentStore.sync_names

def killed(self, sha256s):
    flush_folders(self, sha256s)  # the files are named and durable...
    os.kill(os.getpid(), signal.SIGKILL)  # ...and the process dies before its commit

storage.DocumentStore.sync_names = killed
intake.receive_batch(context(), messages=[
    intake.Incoming(raw=corpus.three_attachments()),
    intake.Incoming(raw=corpus.windows1252_base64()),
    intake.Incoming(raw=corpus.malformed()),
])
"""


def test_a_process_killed_after_the_files_are_durable_and_before_the_commit_leaves_only_orphans(
    ctx, tmp_path, monkeypatch
):
    config = tmp_path / "config.toml"
    config.write_text("")
    environment = {
        **os.environ,
        "CASEWORK_CONFIG": str(config),
        "CASEWORK_DATABASE__URL": ctx.settings.database.url,
        "CASEWORK_DATA_DIR": str(ctx.settings.data_dir),
    }
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_COMMIT], env=environment, cwd=ROOT, check=False
    )
    assert killed.returncode == -9
    assert rows(ctx, IncomingMessage) == []
    assert rows(ctx, Case) == []
    # Two attachments and the malformed message's bytes, named; nothing names them.
    orphans = stored_files(ctx)
    assert len(orphans) == 3
    assert spooled(ctx) == []
    # Too young to be told from a command still writing: the sweep leaves them for now.
    assert retention.remove_orphan_files(ctx) == 0
    monkeypatch.setattr(retention, "ORPHAN_AGE", retention.timedelta(0))
    assert retention.remove_orphan_files(ctx) == 3
    assert stored_files(ctx) == []
    # The mailbox still has them unseen: the next run takes each once.
    results = intake.receive_batch(
        ctx,
        messages=[
            intake.Incoming(raw=corpus.three_attachments()),
            intake.Incoming(raw=corpus.windows1252_base64()),
            intake.Incoming(raw=corpus.malformed()),
        ],
    )
    assert [r.outcome for r in results] == ["new_case", "new_case", "quarantined"]
    assert len(rows(ctx, Case)) == 2
    assert sorted(stored_files(ctx)) == sorted(orphans)
    # Every file is named by a row now, the quarantined message's bytes included: none is swept.
    assert retention.remove_orphan_files(ctx) == 0
    assert sorted(stored_files(ctx)) == sorted(orphans)


def test_a_file_left_half_written_in_the_spool_is_swept_once_old(ctx, monkeypatch):
    # What a process killed in the middle of writing an attachment leaves behind.
    spool = documents.store(ctx).root / "tmp"
    spool.mkdir(parents=True)
    (spool / "0123456789abcdef.part").write_bytes(b"%PDF-1.7\n% half of a lett")
    assert retention.remove_orphan_files(ctx) == 0
    monkeypatch.setattr(retention, "ORPHAN_AGE", retention.timedelta(0))
    assert retention.remove_orphan_files(ctx) == 1
    assert spooled(ctx) == []


def test_the_daily_run_sweeps_orphans_even_without_automatic_retention(ctx, monkeypatch):
    sha256, _new = documents.store(ctx).put_bytes(b"%PDF-1.7\n% named, then the process died")
    monkeypatch.setattr(retention, "ORPHAN_AGE", retention.timedelta(0))
    assert not ctx.settings.retention.automatic
    assert retention.apply_due(ctx, worker="a") == 0
    assert not documents.store(ctx).path(sha256).exists()
