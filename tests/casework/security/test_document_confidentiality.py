"""The confidentiality rule on a case's documents, for each role, through the API (issue 14;
DESIGN §2.5): complaints officers, supervisors, administrators and the assigned agent list and
download them, each download leaving an access-log row; another agent and an integration key do
not; nobody unauthenticated does."""

import pytest
from sqlmodel import Session, select

from casework.models import AccessLogEntry
from casework.services import documents
from tests import documents_samples as samples
from tests.casework.security.conftest import SYSTEM, make_case

ALLOWED = {"admin", "officer", "supervisor", "agent_assigned"}


@pytest.fixture
def case_with_letter(ctx, people):
    case = make_case(ctx, assignee_id=people["agent_assigned"])
    import io

    [letter] = documents.attach(
        ctx,
        actor=SYSTEM,
        interface="cli",
        reference=case.reference,
        uploads=[
            documents.Upload(
                filename="plainte-signée.pdf", stream=io.BytesIO(samples.PDF), from_requester=True
            )
        ],
    )
    return case, letter


def log_rows(ctx, case_id) -> list[tuple[str, str]]:
    with Session(ctx.engine) as session:
        query = select(AccessLogEntry).where(AccessLogEntry.case_id == case_id)
        return [(row.actor, row.what) for row in session.exec(query)]


@pytest.mark.parametrize(
    "caller",
    ["anonymous", "integration", "admin", "officer", "supervisor", "agent_assigned", "agent_other"],
)
def test_documents_of_a_complaint_are_downloaded_only_under_the_confidentiality_rule(
    ctx, callers, case_with_letter, caller
):
    case, letter = case_with_letter
    client = callers[caller]
    listed = client.get(f"/api/cases/{case.reference}/documents")
    downloaded = client.get(f"/api/cases/{case.reference}/documents/{letter.id}")
    if caller == "anonymous":
        assert (listed.status_code, downloaded.status_code) == (401, 401)
    elif caller in ALLOWED:
        assert listed.status_code == 200
        assert [d["filename"] for d in listed.json()["items"]] == ["plainte-signée.pdf"]
        assert downloaded.status_code == 200
        assert downloaded.content == samples.PDF
        assert downloaded.headers["content-type"] == "application/pdf"
        assert downloaded.headers["content-disposition"].startswith("attachment;")
        label = f"user:{caller.replace('_', '-')}"
        assert log_rows(ctx, case.id) == [(label, "documents"), (label, "document")]
    else:
        assert (listed.status_code, downloaded.status_code) == (403, 403)
        assert downloaded.json()["code"] == "forbidden"
        assert log_rows(ctx, case.id) == []


def test_an_agent_attaches_to_the_cases_assigned_to_them_only(ctx, callers, people):
    mine = make_case(ctx, assignee_id=people["agent_assigned"])
    other = make_case(ctx, assignee_id=people["agent_other"])
    client = callers["agent_assigned"]
    files = {"files": ("note.txt", samples.TEXT, "text/plain")}
    token = {"csrf_token": client.headers["X-CSRF-Token"]}
    assert (
        client.post(f"/api/cases/{mine.reference}/documents", files=files, data=token).status_code
        == 201
    )
    refused = client.post(f"/api/cases/{other.reference}/documents", files=files, data=token)
    assert refused.status_code == 403
