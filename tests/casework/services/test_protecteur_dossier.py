"""The Protecteur du citoyen dossier of an escalated case: the chronology PDF in order, a ZIP
holding exactly it, the letters sent and what the officer chose, officers only, logged."""

import io
import zipfile

import pytest
from pypdf import PdfReader

from casework.context import Actor
from casework.services import dossier
from casework.services.dossier import Attachment
from casework.services.errors import Forbidden
from tests import ROOT
from tests.casework.api.test_cases_api import create, fire
from tests.conftest import montreal

ARTIFACTS = ROOT / "test-artifacts" / "reports"


def escalated(client, clock):
    case = create(client)  # a letter received Friday 20 November 2026, 10:00
    reference = case["reference"]
    clock.current = montreal(2026, 11, 24, 9, 0)
    case = fire(client, case, "acknowledge").json()
    first = client.post(f"/api/cases/{reference}/notes", json={"text": "Appel à la citoyenne."})
    second = client.post(f"/api/cases/{reference}/notes", json={"text": "Avis juridique interne."})
    clock.current = montreal(2026, 12, 2, 14, 0)
    case = fire(client, case, "answer", answer_summary="Le permis a été délivré.").json()
    clock.current = montreal(2026, 12, 10, 10, 0)
    fire(
        client,
        case,
        "escalate",
        protecteur_file_number="PC-2026-0042",
        escalated_on="2026-12-09",
        protecteur_reply_due_on="2027-01-15",
    )
    return reference, first.json()["id"], second.json()["id"]


class ScannedDocuments:
    """Two documents of the case, as the case's document store would give them."""

    def attachments(self, ctx, session, case):
        return [
            Attachment(
                id=f"document-{n}",
                kind="document",
                title=f"Pièce {n}",
                dated=montreal(2026, 11, 20, 10, 0),
                filename=f"documents/piece-{n}.pdf",
                media_type="application/pdf",
                content=f"%PDF pièce {n}".encode(),
            )
            for n in (1, 2)
        ]


def test_the_dossier_holds_the_chronology_the_letters_and_only_what_was_chosen(
    client, clock, monkeypatch
):
    monkeypatch.setattr(dossier, "SOURCES", [*dossier.SOURCES, ScannedDocuments()])
    reference, kept_note, left_note = escalated(client, clock)
    offered = client.get(f"/api/cases/{reference}/dossier").json()
    assert [d["id"] for d in offered["documents"]] == ["document-1", "document-2"]
    assert [n["id"] for n in offered["notes"]] == [kept_note, left_note]
    # The acknowledgment and the answer, each as it was sent.
    assert len(offered["letters"]) == 2
    letter_names = [letter["filename"] for letter in offered["letters"]]
    assert letter_names[0].startswith("lettres/2026-11-24-")
    assert letter_names[1].startswith("lettres/2026-12-02-")

    answer = client.post(
        f"/api/cases/{reference}/dossier", json={"documents": ["document-2"], "notes": [kept_note]}
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    chronology = f"{reference}-chronologie.pdf"
    assert sorted(archive.namelist()) == sorted(
        [chronology, *letter_names, "documents/piece-2.pdf"]
    )
    assert archive.read("documents/piece-2.pdf") == "%PDF pièce 2".encode()
    assert all(archive.read(name).startswith(b"%PDF") for name in letter_names)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # to look at, rendered with pdftoppm
    (ARTIFACTS / "dossier-chronologie.pdf").write_bytes(archive.read(chronology))
    pdf = PdfReader(io.BytesIO(archive.read(chronology)))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "PC-2026-0042" in text
    steps = [
        "Dossier reçu",
        "Accuser réception",
        "Lettre envoyée",
        "Appel à la citoyenne.",
        "Consigner la réponse",
        "Consigner le recours au Protecteur du citoyen",
    ]
    positions = [text.find(step) for step in steps]
    assert -1 not in positions, list(zip(steps, positions, strict=True))
    assert positions == sorted(positions)
    assert "Avis juridique interne." not in text
    assert "Accusé de réception : échéance le 4 décembre 2026, respectée le 24 novembre 2026." in (
        text.replace("\u00a0", " ")
    )

    events = client.get(f"/api/cases/{reference}/events").json()
    exported = [e for e in events if e["kind"] == "dossier_exported"]
    assert len(exported) == 1
    assert exported[0]["data"]["files"][0] == chronology
    assert exported[0]["data"]["notes"] == [kept_note]
    log = client.get(f"/api/cases/{reference}/access-log").json()
    assert [e["what"] for e in log].count("dossier") == 1


def test_a_note_not_of_the_case_leaves_no_trace(client, clock):
    reference, _, _ = escalated(client, clock)
    answer = client.post(f"/api/cases/{reference}/dossier", json={"notes": [999]})
    assert answer.status_code == 422
    assert answer.json()["field"] == "notes"
    kinds = [e["kind"] for e in client.get(f"/api/cases/{reference}/events").json()]
    assert "dossier_exported" not in kinds


def test_a_case_not_escalated_has_no_dossier(client):
    case = create(client)
    answer = client.post(f"/api/cases/{case['reference']}/dossier", json={})
    assert answer.status_code == 404


def test_only_complaints_officers_export_the_dossier(ctx, client, clock):
    reference, _, _ = escalated(client, clock)
    for role in ("supervisor", "agent"):
        with pytest.raises(Forbidden):
            dossier.export(
                ctx,
                actor=Actor(label=f"user:{role}", role=role, user_id=None),
                reference=reference,
                interface="api",
            )


def test_a_document_attached_to_the_case_is_offered_and_goes_in_as_stored(client, clock):
    from tests import documents_samples as samples

    reference, _, _ = escalated(client, clock)
    attached = client.post(
        f"/api/cases/{reference}/documents",
        files=[("files", ("lettre.pdf", samples.PDF, "application/octet-stream"))],
        data={"description": ["Lettre numérisée"]},
    )
    assert attached.status_code == 201, attached.text
    offered = client.get(f"/api/cases/{reference}/dossier").json()
    [document] = offered["documents"]
    assert document["title"] == "Lettre numérisée"
    answer = client.post(f"/api/cases/{reference}/dossier", json={"documents": [document["id"]]})
    assert answer.status_code == 200, answer.text
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert archive.read(document["filename"]) == samples.PDF
