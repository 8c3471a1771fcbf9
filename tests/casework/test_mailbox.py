"""`casework mail fetch` against a real IMAP server (Dovecot): the corpus becomes cases, each
message once, even with two processes at once or one killed after its commit (issue 14)."""

import os
import re
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from casework import mailbox as imap
from casework.models import Case, CaseEvent, Document, IncomingMessage
from tests import ROOT
from tests import mail_corpus as corpus
from tests.casework.security.conftest import make_case

MONTREAL = ZoneInfo("America/Toronto")


def rows(ctx, model, *where) -> list:
    with Session(ctx.engine) as session:
        return list(session.exec(select(model).where(*where)))


def test_one_fetch_turns_the_corpus_into_cases_replies_ignored_and_quarantined(ctx, mailbox):
    ctx.settings.mail = mailbox.settings()
    answered = make_case(ctx)  # PLT-2026-00001, Marie Tremblay's complaint
    for message in (
        corpus.utf8_quoted_printable(),
        corpus.latin1_8bit(),
        corpus.windows1252_base64(),
        corpus.outlook_html_only(),
        corpus.forwarded(),
        corpus.three_attachments(),
        corpus.reply(subject=f"RE: {answered.reference}"),
        corpus.auto_reply(),
        corpus.bounce(),
        corpus.mailing_list(),
        corpus.malformed(),
    ):
        mailbox.deliver(message, at=datetime(2026, 11, 23, 9, 30, tzinfo=MONTREAL))
    report = imap.fetch(ctx)
    assert report.read == 11
    assert report.new_cases == [f"PLT-2026-{n:05d}" for n in range(2, 8)]
    assert report.correspondence == [answered.reference]
    assert (report.ignored, report.quarantined, report.already_processed) == (3, 1, 0)
    # Received when the office's server got it (INTERNALDATE), not at the sender's Date.
    latin = rows(ctx, Case, Case.reference == "PLT-2026-00003")[0]
    assert latin.subject == "Reçu à l'accueil : délai trop long"
    assert latin.received_at.astimezone(MONTREAL) == datetime(2026, 11, 23, 9, 30, tzinfo=MONTREAL)
    assert len(rows(ctx, Document)) == 3  # the forwarded message, the invoice, the photo
    assert mailbox.count("UNSEEN") == 0
    assert imap.fetch(ctx).read == 0


def test_messages_are_taken_in_batches_each_committed_before_its_messages_are_marked(
    ctx, mailbox, monkeypatch
):
    ctx.settings.mail = mailbox.settings(batch_size=2)
    for n in range(5):
        mailbox.deliver(corpus.utf8_quoted_printable(message_id=f"<batch-{n}@example.org>"))
    take = imap.intake.receive_batch
    seen = []

    def counted(ctx, *, messages):
        # Each message of the previous batches is marked seen before the next batch is read.
        seen.append((len(messages), mailbox.count("UNSEEN")))
        return take(ctx, messages=messages)

    monkeypatch.setattr(imap.intake, "receive_batch", counted)
    report = imap.fetch(ctx)
    assert seen == [(2, 5), (2, 3), (1, 1)]
    assert report.new_cases == [f"PLT-2026-{n:05d}" for n in range(1, 6)]
    assert mailbox.count("UNSEEN") == 0


def test_processed_messages_move_to_the_configured_folder(ctx, mailbox):
    ctx.settings.mail = mailbox.settings(processed_folder="Traités")
    client = mailbox.client()
    client.create(imap.folder_name("Traités"))
    client.logout()
    mailbox.deliver(corpus.utf8_quoted_printable())
    mailbox.deliver(corpus.auto_reply())
    assert imap.fetch(ctx).read == 2
    assert mailbox.count() == 0
    assert mailbox.count(folder="Traités") == 2


def _environment(ctx, mailbox, tmp_path) -> dict:
    config = tmp_path / "config.toml"
    config.write_text("")
    settings = mailbox.settings()
    return {
        **os.environ,
        "CASEWORK_CONFIG": str(config),
        "CASEWORK_DATABASE__URL": ctx.settings.database.url,
        "CASEWORK_DATA_DIR": str(ctx.settings.data_dir),
        "CASEWORK_MAIL__IMAP_HOST": settings.imap_host,
        "CASEWORK_MAIL__IMAP_PORT": str(settings.imap_port),
        "CASEWORK_MAIL__SECURITY": "none",
        "CASEWORK_MAIL__USERNAME": settings.username,
        "CASEWORK_MAIL__PASSWORD": settings.password.get_secret_value(),
    }


def test_two_fetches_at_once_create_each_case_once(ctx, mailbox, tmp_path):
    messages = [
        corpus.utf8_quoted_printable(message_id=f"<concurrent-{n}@example.org>") for n in range(12)
    ]
    for message in messages:
        mailbox.deliver(message)
    environment = _environment(ctx, mailbox, tmp_path)
    command = [sys.executable, "-m", "casework", "mail", "fetch", "--once"]
    both = [
        subprocess.Popen(command, env=environment, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in both]
    assert [process.returncode for process in both] == [0, 0], outputs
    assert len(rows(ctx, Case)) == 12
    assert len(rows(ctx, IncomingMessage)) == 12
    assert sorted(c.reference for c in rows(ctx, Case)) == [
        f"PLT-2026-{n:05d}" for n in range(1, 13)
    ]
    assert mailbox.count("UNSEEN") == 0
    # Each run says what it did, in French: together, the twelve new cases, each once.
    said = [int(re.search(r"(\d+) nouveaux? dossiers?,", out).group(1)) for out in outputs]
    assert sum(said) == 12, outputs


KILLED_AFTER_COMMIT = """
import os, signal
from casework import mailbox
from casework.cli.common import context

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # after the commit, before the message is marked seen

mailbox.mark_done = killed
mailbox.fetch(context())
"""


def test_a_fetch_killed_after_its_commit_makes_no_second_case_on_the_next_run(
    ctx, mailbox, tmp_path
):
    mailbox.deliver(corpus.three_attachments())
    environment = _environment(ctx, mailbox, tmp_path)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT], env=environment, cwd=ROOT, check=False
    )
    assert killed.returncode == -9
    assert len(rows(ctx, Case)) == 1
    assert mailbox.count("UNSEEN") == 1  # never marked: the process died first
    ctx.settings.mail = mailbox.settings()
    report = imap.fetch(ctx)
    assert (report.read, report.already_processed, report.new_cases) == (1, 1, [])
    assert len(rows(ctx, Case)) == 1
    assert len(rows(ctx, Document)) == 2
    assert len(rows(ctx, CaseEvent, CaseEvent.kind == "created")) == 1
    assert mailbox.count("UNSEEN") == 0


def test_a_mailbox_that_refuses_the_login_is_said_so(ctx, mailbox):
    ctx.settings.mail = mailbox.settings(password="wrong")
    try:
        imap.fetch(ctx)
    except imap.MailboxError as refused:
        assert "127.0.0.1" in str(refused)
    else:
        raise AssertionError("a refused login must stop the fetch")


def test_the_mailbox_is_read_over_tls_and_starttls_with_the_certificate_checked(ctx, mailbox):
    server = mailbox.server
    mailbox.deliver(corpus.utf8_quoted_printable())
    ctx.settings.mail = mailbox.settings(security="starttls", ca_file=server.ca_file)
    assert imap.fetch(ctx).new_cases == ["PLT-2026-00001"]
    mailbox.deliver(corpus.latin1_8bit())
    ctx.settings.mail = mailbox.settings(
        security="ssl", imap_port=server.tls_port, ca_file=server.ca_file
    )
    assert imap.fetch(ctx).new_cases == ["PLT-2026-00002"]
    # Without the certificate's authority, the connection is refused, not made in the clear.
    ctx.settings.mail = mailbox.settings(security="ssl", imap_port=server.tls_port)
    try:
        imap.fetch(ctx)
    except imap.MailboxError as refused:
        assert "CERTIFICATE_VERIFY_FAILED" in str(refused)
    else:
        raise AssertionError("an unknown certificate must stop the fetch")
