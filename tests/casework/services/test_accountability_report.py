"""The declaration's results and the annual management report of fiscal year 2026 (1 April 2026
to 31 March 2027), on a data set of thirty cases built for these tests.

Every expected figure below was worked out by hand from the rules (DESIGN §2.3, §2.6; Loi sur
l'administration publique, art. 24) and the data set, not read from the code under test:

- 30 cases received in the year: D1–D5 (written cases whose clocks are followed), B1 (a call on
  31 March 2027 at 23:30 in Montreal, already 1 April in UTC: it belongs to fiscal 2026), and 24
  fillers, six per quarter, all closed straight from `received` (no deadline counted for them).
  B0 (31 March 2026, 23:30) and B2 (1 April 2027, 00:30) fall outside the year.
- Acknowledgment (written cases): D1 on time (5 business days), D2 late (12), D3 on time (1),
  D5 answered on day 2 (the answer stands for the acknowledgment), D4 never acknowledged and due
  26 January 2027: late and open. 3 on time out of 5: 60 %; median of 1, 2, 5, 12 = 3.5.
- Answer: D1 on time (18 business days, due 14 October 2026 after Thanksgiving on 12 October),
  D2 late (24), D5 on time (2), D3 and D4 open and late: 2 out of 5, 40 %; median 18.
- Fewest people: D1 had one assignee, D2 three (A, then B, then C), D5 two: 2 of the 3 answered
  cases, 66.7 %.
- Survey (minimum 5 answers): access to staff 9 satisfied of 10 (two « ne s'applique pas » left
  out) = 90 %, target 90: met; courtesy 5 of 6 = 83.3 %: not met; relevance 4 of 4 but fewer
  than 5 answers: not measurable; ease of finding 4 of 5 = 80 %, target 80: met.
"""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from casework.context import Actor
from casework.schemas import CaseCreate, CaseUpdate, MeasureDoneIn, MeasureIn, TransitionIn
from casework.services import accountability, survey, users
from casework.services import cases as service
from casework.services.door import CASEWORK
from tests import ROOT
from tests.cli import invoked
from tests.conftest import command_line_account, montreal

ARTIFACTS = ROOT / "test-artifacts" / "reports"
OFFICER = Actor(label="user:responsable", role="officer")
SUPERVISOR = Actor(label="user:superviseure", role="supervisor")


@pytest.fixture
def settings(settings):
    """The default settings with a minimum of five answers per commitment."""
    accountability_settings = settings.accountability.model_copy(update={"minimum_answers": 5})
    return settings.model_copy(update={"accountability": accountability_settings})


def about(service_code, commitment, root_cause, remedy):
    return {
        "service": service_code,
        "commitment": commitment,
        "root_cause": root_cause,
        "remedy": remedy,
    }


class Builder:
    def __init__(self, ctx, clock):
        self.ctx, self.clock = ctx, clock

    def at(self, *moment):
        self.clock.current = montreal(*moment)

    def new(self, kind, channel, received, assignee=None):
        self.at(*received)
        data = CaseCreate(
            kind=kind,
            channel=channel,
            subject="Dossier d’essai",
            received_at=montreal(*received),
            assignee_id=assignee,
        )
        return service.open_case(self.ctx, interface="api", actor=OFFICER, data=data).case.reference

    def fire(self, reference, when, trigger, **fields):
        self.at(*when)
        version = service.get(
            self.ctx, actor=CASEWORK, interface="scheduler", reference=reference
        ).case.version
        request = TransitionIn(trigger=trigger, version=version, **fields)
        service.fire(self.ctx, interface="api", actor=OFFICER, reference=reference, request=request)

    def assign(self, reference, when, user_id):
        self.at(*when)
        version = service.get(
            self.ctx, actor=CASEWORK, interface="scheduler", reference=reference
        ).case.version
        service.update(
            self.ctx,
            interface="api",
            actor=OFFICER,
            reference=reference,
            changes=CaseUpdate(version=version, assignee_id=user_id),
        )

    def measure(self, reference, when, due_on, done=None):
        self.at(*when)
        measure = accountability.add_measure(
            self.ctx,
            actor=OFFICER,
            reference=reference,
            data=MeasureIn(description="Revoir la procédure.", owner="Direction", due_on=due_on),
        )
        if done:
            self.at(*done, 14, 0)
            accountability.complete_measure(
                self.ctx,
                actor=OFFICER,
                reference=reference,
                measure_id=measure.id,
                data=MeasureDoneIn(done_on=date(*done)),
            )


FILLER_DAYS = ((2026, 4, 15), (2026, 7, 15), (2026, 10, 15), (2027, 1, 15))
# Six per quarter: kind, channel, outcome, what it is about (None: not recorded).
FILLERS = (
    ("complaint", "phone", "withdrawn", about("support_advice", "diligence", "delay", "none")),
    (
        "complaint",
        "in_person",
        "redirected",
        about("media", "accessibility", "communication", "explanation"),
    ),
    ("complaint", "phone", "no_follow_up", None),
    ("information_request", "phone", "withdrawn", None),
    ("media_request", "in_person", "redirected", None),
    ("comment", "phone", "no_follow_up", None),
)

SURVEY_ROWS = [
    # respondent, answered_on, service, aspect, rating
    *[
        (f"R{n:02d}", "2026-10-01", "support_advice", "access_to_staff", rating)
        for n, rating in enumerate(
            [
                *("4", "4", "4", "très satisfait", "4"),
                *("3", "3", "plutôt satisfait", "3", "2"),
                *("na", "ne s’applique pas"),
            ],
            start=1,
        )
    ],
    *[
        (f"R{n:02d}", "2026-11-02", "support_advice", "courtesy", rating)
        for n, rating in enumerate(["4", "4", "4", "3", "3", "1"], start=1)
    ],
    ("R99", "2027-04-02", "support_advice", "courtesy", "1"),  # fiscal 2027
    *[
        (f"R{n:02d}", "2027-02-01", "support_advice", "relevance", rating)
        for n, rating in enumerate(["4", "4", "3", "3"], start=1)
    ],
    *[
        (f"R{n:02d}", "2026-06-01", "reference_documents", "ease_of_finding", rating)
        for n, rating in enumerate(["4", "4", "3", "3", "2"], start=1)
    ],
]


def survey_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["respondent", "answered_on", "service", "aspect", "rating"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def build(ctx, clock) -> dict[str, str]:
    """Register the data set; return the references of the named cases."""
    b = Builder(ctx, clock)
    clock.current = montreal(2026, 3, 1, 9, 0)
    people = [
        users.add(
            ctx,
            actor=OFFICER,
            username=name,
            full_name=name.title(),
            role="agent",
            password="un-mot-de-passe-solide",
        ).id
        for name in ("alice", "benoit", "chloe")
    ]
    a, bb, c = people
    refs = {}
    refs["B0"] = b.new("complaint", "phone", (2026, 3, 31, 23, 30))
    b.measure(refs["B0"], (2026, 3, 31, 23, 50), date(2026, 5, 1))

    refs["D5"] = d5 = b.new("complaint", "letter", (2026, 5, 4, 10, 0))
    b.assign(d5, (2026, 5, 4, 11, 0), a)
    b.assign(d5, (2026, 5, 5, 9, 0), bb)
    b.fire(d5, (2026, 5, 6, 10, 0), "answer", answer_summary="Réponse transmise.")
    b.fire(
        d5,
        (2026, 6, 10, 10, 0),
        "escalate",
        protecteur_file_number="PC-2026-0001",
        escalated_on=date(2026, 6, 10),
    )
    b.measure(d5, (2026, 6, 20, 10, 0), date(2026, 7, 31), done=(2026, 7, 20))
    b.fire(
        d5,
        (2026, 7, 2, 10, 0),
        "close",
        outcome="partly_founded",
        classification=about("statistics", "courtesy", "conduct", "apology"),
        protecteur_conclusion="founded",
        protecteur_recommendations="Former le personnel à l’accueil téléphonique.",
    )

    refs["D1"] = d1 = b.new("complaint", "letter", (2026, 9, 15, 10, 0), assignee=a)
    b.fire(d1, (2026, 9, 22, 10, 0), "acknowledge")
    b.fire(d1, (2026, 10, 9, 10, 0), "answer", answer_summary="Réponse transmise.")
    b.fire(
        d1,
        (2026, 10, 13, 10, 0),
        "close",
        outcome="founded",
        classification=about("support_advice", "diligence", "delay", "apology"),
    )
    b.measure(d1, (2026, 10, 15, 10, 0), date(2026, 12, 31), done=(2027, 1, 10))

    refs["D2"] = d2 = b.new("complaint", "email", (2026, 9, 15, 11, 0), assignee=a)
    b.assign(d2, (2026, 9, 16, 9, 0), bb)
    b.assign(d2, (2026, 9, 17, 9, 0), c)
    b.fire(d2, (2026, 10, 1, 10, 0), "acknowledge")
    b.fire(d2, (2026, 10, 20, 10, 0), "answer", answer_summary="Réponse transmise.")
    b.fire(
        d2,
        (2026, 10, 22, 10, 0),
        "close",
        outcome="unfounded",
        classification=about("reference_documents", "clarity", "information", "explanation"),
    )
    b.measure(d2, (2026, 10, 25, 10, 0), date(2027, 2, 28))

    refs["D3"] = d3 = b.new("complaint", "web_form", (2026, 11, 5, 9, 0))
    b.fire(d3, (2026, 11, 6, 10, 0), "acknowledge")
    refs["D4"] = b.new("information_request", "email", (2027, 1, 12, 10, 0))

    for year, month, day in FILLER_DAYS:
        for kind, channel, outcome, subject in FILLERS:
            reference = b.new(kind, channel, (year, month, day, 10, 0))
            b.fire(
                reference,
                (year, month, day + 1, 11, 0),
                "close",
                outcome=outcome,
                classification=subject,
            )

    refs["B1"] = b1 = b.new("complaint", "phone", (2027, 3, 31, 23, 30))
    b.fire(
        b1,
        (2027, 4, 1, 9, 0),
        "close",
        outcome="withdrawn",
        classification=about("support_advice", "diligence", "delay", "none"),
    )
    refs["B2"] = b.new("complaint", "phone", (2027, 4, 1, 0, 30))

    b.at(2027, 4, 20, 10, 0)
    _, count = survey.import_csv(ctx, actor=OFFICER, content=survey_csv(SURVEY_ROWS))
    assert count == len(SURVEY_ROWS) == 28
    return refs


@pytest.fixture
def data_set(ctx, clock):
    return build(ctx, clock)


def test_fiscal_2026_counts_the_thirty_cases_received_from_1_april_to_31_march(client, data_set):
    report = client.get("/api/reports/annual", params={"fiscal_year": 2026}).json()
    volumes = report["volumes"]
    assert (report["from"], report["to"]) == ("2026-04-01", "2027-03-31")
    assert volumes["received"] == 30
    assert volumes["by_kind"] == {
        "complaint": 17,
        "information_request": 5,
        "media_request": 4,
        "supplier_complaint": 0,
        "comment": 4,
    }
    assert sum(volumes["by_kind"].values()) == 30
    assert volumes["by_channel"] == {
        "email": 2,
        "letter": 2,
        "phone": 17,
        "in_person": 8,
        "web_form": 1,
    }
    assert volumes["by_service"]["support_advice"] == 6
    assert volumes["by_service"]["reference_documents"] == 1
    assert volumes["by_service"]["statistics"] == 1
    assert volumes["by_service"]["media"] == 4
    assert volumes["by_service"]["unclassified"] == 18
    assert sum(volumes["by_service"].values()) == 30
    assert volumes["by_outcome"] == {
        "founded": 1,
        "partly_founded": 1,
        "unfounded": 1,
        "withdrawn": 9,
        "redirected": 8,
        "no_follow_up": 8,
        "open": 2,
    }


def test_a_call_on_31_march_at_23_30_belongs_to_the_year_that_ends_that_day(client, data_set):
    def received(year):
        return client.get(
            "/api/reports/cases",
            params={
                "from": f"{year}-04-01",
                "to": f"{year + 1}-03-31",
                "figure": "volumes.received",
            },
        ).json()["references"]

    assert data_set["B1"] in received(2026)
    assert data_set["B0"] not in received(2026) and data_set["B0"] in received(2025)
    assert data_set["B2"] not in received(2026) and data_set["B2"] in received(2027)
    assert len(received(2026)) == 30


def test_acknowledgment_and_answer_delays_count_late_open_cases(client, data_set):
    delays = client.get("/api/reports/annual", params={"fiscal_year": 2026}).json()["declaration"][
        "delays"
    ]
    assert delays["acknowledgment"] == {
        "on_time": 3,
        "late": 2,
        "met_late": 1,
        "open_late": 1,
        "counted": 5,
        "rate": 60.0,
        "median_business_days": 3.5,
    }
    assert delays["answer"] == {
        "on_time": 2,
        "late": 3,
        "met_late": 1,
        "open_late": 2,
        "counted": 5,
        "rate": 40.0,
        "median_business_days": 18.0,
    }
    late = client.get(
        "/api/reports/cases",
        params={"from": "2026-04-01", "to": "2027-03-31", "figure": "delays.answer.open_late"},
    ).json()
    assert sorted(late["references"]) == sorted([data_set["D3"], data_set["D4"]])


def test_the_declaration_keeps_its_targets_only_with_enough_answers(client, data_set):
    result = client.get(
        "/api/reports/service-declaration", params={"from": "2026-04-01", "to": "2027-03-31"}
    ).json()
    assert result["minimum_answers"] == 5
    rows = {(c["service"], c["aspect"]): c for c in result["commitments"]}
    assert len(result["commitments"]) == 13
    acknowledgment = rows[(None, "acknowledgment")]
    assert (acknowledgment["target"], acknowledgment["rate"]) == (100, 60.0)
    assert (acknowledgment["answers"], acknowledgment["status"]) == (5, "not_met")

    def figures(service_code, aspect):
        c = rows[(service_code, aspect)]
        return c["target"], c["rate"], c["answers"], c["status"]

    assert figures("support_advice", "access_to_staff") == (90, 90.0, 10, "met")
    assert figures("support_advice", "courtesy") == (90, 83.3, 6, "not_met")
    assert figures("support_advice", "relevance") == (88, 100.0, 4, "not_measurable")
    assert figures("support_advice", "response_time") == (90, None, 0, "not_measurable")
    assert figures("reference_documents", "ease_of_finding") == (80, 80.0, 5, "met")
    assert figures("information_sessions", "accessibility") == (87, None, 0, "not_measurable")
    assert (
        "d’au moins 90\u00a0% quant à l’accès au personnel"
        in (rows[("support_advice", "access_to_staff")]["wording"])
    )
    aspects = {a["aspect"]: a for a in result["survey"]}
    assert aspects["access_to_staff"]["ratings"] == {
        "very_satisfied": 5,
        "somewhat_satisfied": 4,
        "somewhat_dissatisfied": 1,
        "very_dissatisfied": 0,
        "not_applicable": 2,
    }
    assert (aspects["courtesy"]["answers"], aspects["courtesy"]["rate"]) == (6, 83.3)
    assert result["fewest_people"] == {"answered": 3, "at_most_two": 2, "share": 66.7}


def test_escalations_measures_and_quarterly_trends_of_the_year(client, data_set):
    report = client.get("/api/reports/annual", params={"fiscal_year": 2026}).json()
    assert report["escalations"]["total"] == 1
    assert report["escalations"]["by_conclusion"] == {
        "founded": 1,
        "partly_founded": 0,
        "unfounded": 0,
        "discontinued": 0,
        "pending": 0,
    }
    assert report["measures"] == {"opened": 3, "done": 2, "open_at_end": 2, "overdue_at_end": 2}
    trends = {q["quarter"]: q for q in report["trends"]}
    assert list(trends) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    q1, q2, q3, q4 = (trends[f"2026-Q{n}"] for n in range(1, 5))
    assert [q["complaints"] for q in (q1, q2, q3, q4)] == [4, 5, 4, 4]
    assert (q1["closed_on_merits"], q1["founded"], q1["founded_share"]) == (1, 1, 100.0)
    assert (q2["closed_on_merits"], q2["founded"], q2["founded_share"]) == (2, 1, 50.0)
    assert q3["founded_share"] is None
    assert q2["top_root_causes"] == [
        {"root_cause": "delay", "count": 2},
        {"root_cause": "information", "count": 1},
        {"root_cause": "communication", "count": 1},
    ]
    assert {k: v for k, v in q1["by_service"].items() if v} == {
        "statistics": 1,
        "support_advice": 1,
        "media": 1,
        "unclassified": 1,
    }
    assert [(q["measures_opened"], q["measures_done"]) for q in (q1, q2, q3, q4)] == [
        (1, 0),
        (0, 1),
        (2, 0),
        (0, 1),
    ]
    assert "« Traçabilité »" in report["reliability"].replace("\u00a0", " ")


def test_the_workbook_and_the_pdf_show_the_api_figures(client, data_set, tmp_path, database_url):
    pdf_database = database_url.split(":", 1)[0].split("+")[0]
    report = client.get("/api/reports/annual", params={"fiscal_year": 2026}).json()
    answer = client.get("/api/reports/annual", params={"fiscal_year": 2026, "format": "xlsx"})
    assert answer.status_code == 200
    assert 'filename="rapport-annuel-2026-2027.xlsx"' in answer.headers["content-disposition"]
    path = tmp_path / "rapport.xlsx"
    path.write_bytes(answer.content)
    book = load_workbook(path)
    kinds = {row[0]: row[1] for row in book["Volumes"].iter_rows(min_row=3, values_only=True)}
    assert kinds == {
        "Plainte": 17,
        "Demande de renseignements": 5,
        "Demande des médias": 4,
        "Plainte de fournisseur (marchés publics)": 0,
        "Commentaire": 4,
        "Total": 30,
    }
    trace = {row[0]: row for row in book["Traçabilité"].iter_rows(min_row=2, values_only=True)}
    assert trace["volumes.received"][1] == 30
    assert len(trace["volumes.received"][2].split()) == 30
    assert sorted(trace["fewest_people.at_most_two"][2].split()) == sorted(
        [data_set["D1"], data_set["D5"]]
    )
    delays = list(book["Délais"].iter_rows(min_row=3, values_only=True))
    assert delays[0][1:4] == (3, 2, "60,0\u00a0%")
    assert delays[1][1:4] == (2, 3, "40,0\u00a0%")
    assert report["reliability"] in [row[0] for row in book["Rapport"].iter_rows(values_only=True)]

    pdf = client.get("/api/reports/annual", params={"fiscal_year": 2026, "format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "rapport.pdf").write_bytes(pdf.content)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # to look at, rendered with pdftoppm
    (ARTIFACTS / f"rapport-annuel-2026-{pdf_database}.pdf").write_bytes(pdf.content)
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "rapport.pdf").pages)
    text = " ".join(text.split())
    assert "exercice 2026–2027" in text
    assert "Total 30" in text
    assert "Plainte 17" in text
    assert "Accusé de réception 3 2 60,0 % 3,5" in text.replace("\u00a0", " ")
    assert "Réponse 2 3 40,0 % 18" in text.replace("\u00a0", " ")


def test_a_survey_file_with_one_bad_row_writes_nothing(client, ctx, clock):
    clock.current = montreal(2027, 4, 20, 10, 0)
    bad = [*SURVEY_ROWS[:3], ("R77", "2026-10-01", "support_advice", "access_to_staff", "5")]
    answer = client.post(
        "/api/survey/imports", content=survey_csv(bad), headers={"Content-Type": "text/csv"}
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "rating"
    assert answer.json()["detail"].startswith("Ligne 5")
    result = client.get(
        "/api/reports/service-declaration", params={"from": "2026-04-01", "to": "2027-03-31"}
    ).json()
    assert all(a["answers"] == 0 for a in result["survey"])
    unknown = [("R01", "2026-10-01", "support_advice", "patience", "4")]
    answer = client.post(
        "/api/survey/imports", content=survey_csv(unknown), headers={"Content-Type": "text/csv"}
    )
    assert answer.status_code == 422 and answer.json()["field"] == "aspect"


def test_a_period_that_ends_before_it_starts_is_refused_in_french(client):
    answer = client.get(
        "/api/reports/service-declaration", params={"from": "2027-03-31", "to": "2026-04-01"}
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "to"


def test_an_agent_cannot_read_the_reports(ctx):
    from casework.services import accountability_report
    from casework.services.errors import Forbidden

    with pytest.raises(Forbidden):
        accountability_report.annual(
            ctx, actor=Actor(label="user:agente", role="agent"), fiscal_year=2026
        )
    assert accountability_report.annual(ctx, actor=SUPERVISOR, fiscal_year=2026).received == 0


def test_the_command_line_prints_the_declaration_and_writes_the_workbook(
    ctx, data_set, tmp_path, monkeypatch
):
    command_line_account(ctx.settings.database.url)
    monkeypatch.setattr("casework.cli.reports.context", lambda: ctx)
    result = invoked(
        "--as",
        "operateur",
        "reports",
        "service-declaration",
        "--from",
        "2026-04-01",
        "--to",
        "2027-03-31",
        "--json",
    )
    assert result.exit_code == 0, result.output
    import json

    commitments = json.loads(result.output)["commitments"]
    assert commitments[1]["rate"] == 90.0 and commitments[1]["status"] == "met"
    target = tmp_path / "annual.xlsx"
    command = ["--as", "operateur", "reports", "annual", "--fiscal-year", "2026", "--format"]
    result = invoked(*command, "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert load_workbook(target)["Volumes"]["B8"].value == 30
    result = invoked("--as", "operateur", "reports", "annual", "--fiscal-year", "1999")
    assert result.exit_code == 2
