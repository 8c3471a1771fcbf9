"""Documents on a case: kinds recognized from the content, limits, storage by hash, all or
nothing (issue 14)."""

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from casework import filetypes
from casework.config import DocumentSettings
from casework.context import Actor
from casework.models import AccessLogEntry, CaseEvent, Document
from casework.services import documents, retention
from casework.services.errors import InvalidInput, TooLarge
from casework.storage import DocumentStore
from tests import documents_samples as samples
from tests.casework.security.conftest import make_case

OFFICER = Actor(label="user:responsable", user_id=None, role="officer")
MEGABYTE = 1024 * 1024


def stored_files(ctx) -> list[Path]:
    """Return every file under the documents folder, temporary ones included."""
    root = DocumentStore.under(ctx.settings.data_dir).root
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def rows(ctx, model) -> list:
    from sqlmodel import Session, select

    with Session(ctx.engine) as session:
        return list(session.exec(select(model)))


def upload(name: str, data: bytes, **fields) -> documents.Upload:
    return documents.Upload(filename=name, stream=io.BytesIO(data), **fields)


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (samples.PDF, "application/pdf"),
        (samples.PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg"),
        (samples.TEXT, "text/plain"),
        ("Réclamation reçue à l'accueil, 2 pièces.\n".encode("cp1252"), "text/plain"),
        (
            b"From: Marie <marie@example.org>\r\nDate: Mon, 23 Nov 2026 10:00:00 -0500\r\n"
            b"Subject: Permis\r\n\r\nBonjour\r\n",
            "message/rfc822",
        ),
        (samples.odt(), "application/vnd.oasis.opendocument.text"),
        (
            samples.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (samples.EXECUTABLE, None),
        (samples.plain_zip(), None),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", None),
    ],
)
def test_kind_of_a_file_is_read_from_its_content(tmp_path, data, media_type):
    path = tmp_path / "sans-extension"
    path.write_bytes(data)
    assert filetypes.detect(path) == media_type


def test_officer_attaches_a_scanned_letter_and_a_photo_with_descriptions(ctx):
    case = make_case(ctx)
    added = documents.attach(
        ctx,
        actor=OFFICER,
        interface="cli",
        reference=case.reference,
        uploads=[
            upload("lettre-numérisée.pdf", samples.PDF, description="Lettre reçue par la poste"),
            upload("photo.png", samples.PNG, from_requester=True),
        ],
    )
    assert [(d.filename, d.media_type, d.from_requester) for d in added] == [
        ("lettre-numérisée.pdf", "application/pdf", False),
        ("photo.png", "image/png", True),
    ]
    assert added[0].description == "Lettre reçue par la poste"
    store = DocumentStore.under(ctx.settings.data_dir)
    assert store.path(added[0].sha256).read_bytes() == samples.PDF
    trail = [e for e in rows(ctx, CaseEvent) if e.kind == "documents"]
    assert [d["filename"] for d in trail[0].data["documents"]] == [
        "lettre-numérisée.pdf",
        "photo.png",
    ]


def test_the_same_file_attached_twice_is_stored_once(ctx):
    first, second = make_case(ctx), make_case(ctx)
    for case in (first, second):
        documents.attach(
            ctx,
            actor=OFFICER,
            interface="cli",
            reference=case.reference,
            uploads=[upload("lettre.pdf", samples.PDF)],
        )
    assert len(rows(ctx, Document)) == 2
    assert len(stored_files(ctx)) == 1


def test_a_file_of_a_refused_kind_is_named_with_the_accepted_kinds_and_nothing_is_kept(ctx):
    case = make_case(ctx)
    with pytest.raises(InvalidInput) as refused:
        documents.attach(
            ctx,
            actor=OFFICER,
            interface="cli",
            reference=case.reference,
            uploads=[upload("lettre.pdf", samples.PDF), upload("facture.pdf", samples.EXECUTABLE)],
        )
    message = refused.value.message("fr")
    assert "facture.pdf" in message
    assert "PDF" in message and "OpenDocument" in message
    assert rows(ctx, Document) == []
    assert stored_files(ctx) == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(ctx):
    ctx.settings.documents = DocumentSettings(max_file_mb=1, max_case_mb=2)
    case = make_case(ctx)
    with pytest.raises(TooLarge) as refused:
        documents.attach(
            ctx,
            actor=OFFICER,
            interface="cli",
            reference=case.reference,
            uploads=[upload("gros.txt", b"a" * (MEGABYTE + 1))],
        )
    assert "gros.txt" in refused.value.message("fr")
    assert "1 Mo" in refused.value.message("fr")
    assert stored_files(ctx) == []


def test_documents_of_a_case_stop_at_the_case_limit(ctx):
    ctx.settings.documents = DocumentSettings(max_file_mb=1, max_case_mb=2)
    case = make_case(ctx)
    nine_tenths = int(0.9 * MEGABYTE)
    documents.attach(
        ctx,
        actor=OFFICER,
        interface="cli",
        reference=case.reference,
        uploads=[upload("a.txt", b"a" * nine_tenths), upload("b.txt", b"b" * nine_tenths)],
    )
    with pytest.raises(TooLarge):
        documents.attach(
            ctx,
            actor=OFFICER,
            interface="cli",
            reference=case.reference,
            uploads=[upload("c.txt", b"c" * nine_tenths)],
        )
    assert [d.filename for d in rows(ctx, Document)] == ["a.txt", "b.txt"]
    assert len(stored_files(ctx)) == 2


class BrokenStream(io.BytesIO):
    """A stream that fails in the middle, like a connection cut during an upload."""

    def read(self, size=-1):
        if self.tell() >= 4096:
            raise ConnectionResetError("the connection was cut")
        return super().read(min(size, 4096) if size and size > 0 else 4096)


def test_an_upload_cut_in_the_middle_leaves_nothing(ctx):
    case = make_case(ctx)
    with pytest.raises(ConnectionResetError):
        documents.attach(
            ctx,
            actor=OFFICER,
            interface="cli",
            reference=case.reference,
            uploads=[
                upload("lettre.pdf", samples.PDF),
                documents.Upload(filename="scan.txt", stream=BrokenStream(b"x" * 100_000)),
            ],
        )
    assert rows(ctx, Document) == []
    assert stored_files(ctx) == []
    assert [e for e in rows(ctx, CaseEvent) if e.kind == "documents"] == []


def test_a_failure_to_write_the_rows_leaves_the_files_to_the_orphan_sweep(ctx, monkeypatch):
    case = make_case(ctx)

    def refuse(*args, **kwargs):
        raise RuntimeError("database gone")

    with monkeypatch.context() as patched:
        patched.setattr(documents.cases_repo, "add_event", refuse)
        with pytest.raises(RuntimeError):
            documents.attach(
                ctx,
                actor=OFFICER,
                interface="cli",
                reference=case.reference,
                uploads=[upload("lettre.pdf", samples.PDF)],
            )
    assert rows(ctx, Document) == []
    # Not removed at once: another command may have found these bytes and be naming them.
    assert len(stored_files(ctx)) == 1
    assert retention.remove_orphan_files(ctx) == 0
    monkeypatch.setattr(retention, "ORPHAN_AGE", timedelta(0))
    assert retention.remove_orphan_files(ctx) == 1
    assert stored_files(ctx) == []


def test_bytes_found_stored_are_not_swept_before_the_command_that_found_them_names_them(
    ctx, monkeypatch
):
    # A failed upload left an orphan an hour and more ago; the same letter is sent again.
    orphan, _ = documents.store(ctx).put_bytes(samples.PDF)
    two_hours_ago = time.time() - 7200
    os.utime(documents.store(ctx).path(orphan), (two_hours_ago, two_hours_ago))
    case = make_case(ctx)
    received = documents.store(ctx).receive(io.BytesIO(samples.PDF), limit=len(samples.PDF))
    assert documents.store(ctx).keep(received) is False
    # The sweep runs before the new row is committed: the file is young again, so it stays.
    assert retention.remove_orphan_files(ctx) == 0
    documents.attach(
        ctx,
        actor=OFFICER,
        interface="cli",
        reference=case.reference,
        uploads=[upload("lettre.pdf", samples.PDF)],
    )
    assert [d.sha256 for d in rows(ctx, Document)] == [orphan]
    assert documents.store(ctx).path(orphan).read_bytes() == samples.PDF


def test_a_file_name_cannot_climb_out_of_its_folder(ctx):
    case = make_case(ctx)
    added = documents.attach(
        ctx,
        actor=OFFICER,
        interface="cli",
        reference=case.reference,
        uploads=[upload("../../etc/passwd\x00.txt", samples.TEXT)],
    )
    assert added[0].filename == "passwd.txt"


def test_every_download_writes_an_access_log_row(ctx):
    case = make_case(ctx)
    [added] = documents.attach(
        ctx,
        actor=OFFICER,
        interface="cli",
        reference=case.reference,
        uploads=[upload("lettre.pdf", samples.PDF)],
    )
    for _ in range(2):
        found = documents.download(
            ctx, actor=OFFICER, interface="cli", reference=case.reference, document_id=added.id
        )
        assert found.path.read_bytes() == samples.PDF
    assert [(e.what, e.interface) for e in rows(ctx, AccessLogEntry)] == [
        ("document", "cli"),
        ("document", "cli"),
    ]
