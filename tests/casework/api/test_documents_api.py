"""`/api/cases/{reference}/documents` (issue 14): multipart upload, limits, type refusal."""

from casework.config import DocumentSettings
from tests import documents_samples as samples
from tests.casework.security.conftest import make_case
from tests.casework.services.test_documents import MEGABYTE, stored_files


def test_officer_uploads_two_files_with_their_descriptions_and_downloads_them(ctx, client):
    case = make_case(ctx)
    created = client.post(
        f"/api/cases/{case.reference}/documents",
        files=[
            ("files", ("lettre.pdf", samples.PDF, "application/octet-stream")),
            ("files", ("piece.odt", samples.odt(), "application/octet-stream")),
        ],
        data={"description": ["Lettre numérisée", "Pièce jointe"], "from_requester": "true"},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert [(d["filename"], d["description"], d["from_requester"]) for d in body] == [
        ("lettre.pdf", "Lettre numérisée", True),
        ("piece.odt", "Pièce jointe", True),
    ]
    assert body[1]["media_type"] == "application/vnd.oasis.opendocument.text"
    listed = client.get(f"/api/cases/{case.reference}/documents").json()
    assert listed["count"] == 2
    assert client.get(body[0]["url"]).content == samples.PDF


def test_a_refused_kind_answers_422_naming_the_file_in_the_callers_language(ctx, client):
    case = make_case(ctx)
    refused = client.post(
        f"/api/cases/{case.reference}/documents",
        files={"files": ("rapport.pdf", samples.EXECUTABLE, "application/pdf")},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["field"] == "files"
    assert "rapport.pdf" in problem["detail"] and "OpenDocument" in problem["detail"]
    assert stored_files(ctx) == []


def test_a_body_announced_larger_than_a_case_may_hold_is_refused_before_it_is_read(ctx, client):
    ctx.settings.documents = DocumentSettings(max_file_mb=1, max_case_mb=1)
    case = make_case(ctx)
    big = b"a" * (3 * MEGABYTE)
    refused = client.post(
        f"/api/cases/{case.reference}/documents",
        files={"files": ("gros.txt", big, "text/plain")},
    )
    assert refused.status_code == 413
    assert refused.json()["code"] == "too_large"
    assert stored_files(ctx) == []


def test_a_streamed_body_is_cut_at_the_limit(ctx, client):
    ctx.settings.documents = DocumentSettings(max_file_mb=1, max_case_mb=1)
    case = make_case(ctx)
    boundary = "limite"

    def chunks():
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="flux.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        for _ in range(4):
            yield b"a" * MEGABYTE
        yield f"\r\n--{boundary}--\r\n".encode()

    refused = client.post(
        f"/api/cases/{case.reference}/documents",
        content=chunks(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert refused.status_code == 413
    assert stored_files(ctx) == []


def test_a_file_over_the_file_limit_answers_413(ctx, client):
    ctx.settings.documents = DocumentSettings(max_file_mb=1, max_case_mb=5)
    case = make_case(ctx)
    refused = client.post(
        f"/api/cases/{case.reference}/documents",
        files={"files": ("scan.txt", b"a" * (MEGABYTE + 10), "text/plain")},
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 413
    assert "scan.txt" in refused.json()["detail"]


def test_no_file_answers_422_naming_the_field(ctx, client):
    case = make_case(ctx)
    refused = client.post(f"/api/cases/{case.reference}/documents", data={"description": "x"})
    assert refused.status_code == 422
    assert refused.json()["field"] == "files"


def test_a_document_of_another_case_is_not_found(ctx, client):
    first, second = make_case(ctx), make_case(ctx)
    [document] = client.post(
        f"/api/cases/{first.reference}/documents",
        files={"files": ("lettre.pdf", samples.PDF, "application/pdf")},
    ).json()
    missing = client.get(f"/api/cases/{second.reference}/documents/{document['id']}")
    assert missing.status_code == 404
