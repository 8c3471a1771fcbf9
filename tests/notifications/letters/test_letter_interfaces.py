"""The letters over the API and the command line: listed, read as JSON or as the PDF sent, the
letters to mail listed and marked mailed; bad input is refused with the field named (HTTP 4xx,
exit status 2), and nothing is half-written.

The command line runs in process, except the last `letters to-mail` of
`test_the_command_line_lists_saves_and_marks_the_letters_to_mail`: the real-process smoke test of
the `letters` group.

A complaint received by mail on Friday 20 November 2026 and acknowledged on Monday 23 November:
its acknowledgment is a letter to mail.
"""

import hashlib
from datetime import date

import tests.cli
from casework.context import Actor
from casework.services import letters
from casework.services.door import CASEWORK
from casework.services.errors import Forbidden, InvalidInput
from tests.conftest import command_line_account
from tests.notifications.conftest import at, open_case
from tests.notifications.letters.conftest import ADDRESS, OFFICER, fire

PDF = {"Accept": "application/pdf"}


def acknowledged_by_mail(ctx):
    at(ctx, 2026, 11, 20, 16, 0)
    case = open_case(
        ctx,
        channel="letter",
        received_at="2026-11-20T10:00:00-05:00",
        requester={"name": "Marie Tremblay", "postal_address": ADDRESS},
    )
    fire(ctx, case, "acknowledge", 2026, 11, 23, 10, 0)
    return case


def test_the_api_lists_a_case_letters_and_gives_each_as_json_or_as_the_pdf_sent(client, ctx):
    case = acknowledged_by_mail(ctx)
    listed = client.get(f"/api/cases/{case.reference}/letters")
    assert listed.status_code == 200
    (item,) = listed.json()
    assert {k: item[k] for k in ("id", "kind", "language", "channel", "letter_date")} == {
        "id": 1,
        "kind": "acknowledgment",
        "language": "fr",
        "channel": "mail",
        "letter_date": "2026-11-23",
    }
    assert item["mailed_on"] is None
    assert item["pdf_url"] == f"/api/cases/{case.reference}/letters/1"
    assert "au plus tard le 18 décembre 2026" in " ".join(item["text"].split())

    one = client.get(item["pdf_url"])
    assert one.json()["sha256"] == item["sha256"]
    pdf = client.get(item["pdf_url"], headers=PDF)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == item["sha256"]
    assert 'filename="PLT-2026-00001-1-acknowledgment.pdf"' in pdf.headers["content-disposition"]


def test_the_api_refuses_an_unknown_letter_or_case_and_a_bad_id(client, ctx):
    case = acknowledged_by_mail(ctx)
    missing = client.get(f"/api/cases/{case.reference}/letters/2")
    assert missing.status_code == 404
    assert "n’a pas de lettre 2" in missing.json()["detail"]
    assert client.get("/api/cases/PLT-2026-99999/letters").status_code == 404
    assert client.get(f"/api/cases/{case.reference}/letters/0").status_code == 422


def test_marking_a_letter_mailed_checks_the_date_and_records_it_once(ctx):
    case = acknowledged_by_mail(ctx)
    at(ctx, 2026, 11, 24, 9, 0)
    for day, field in ((date(2026, 11, 25), "mailed_on"), (date(2026, 11, 20), "mailed_on")):
        try:
            letters.mark_mailed(ctx, actor=OFFICER, interface="api", letter_id=1, on=day)
        except InvalidInput as refused:
            assert refused.field == field
        else:
            raise AssertionError(f"{day} was accepted")
    agent = Actor("user:jean.roy", user_id=None, role="agent")
    try:
        letters.mark_mailed(ctx, actor=agent, interface="api", letter_id=1, on=date(2026, 11, 24))
    except Forbidden:
        pass
    else:
        raise AssertionError("an agent recorded a mailing")
    assert letters.to_mail(ctx, actor=OFFICER, interface="api")[0][0].mailed_on is None

    letter, _ = letters.mark_mailed(
        ctx, actor=OFFICER, interface="api", letter_id=1, on=date(2026, 11, 24)
    )
    assert (letter.mailed_on, letter.mailed_by) == (date(2026, 11, 24), "user:lucie.martin")
    assert letters.to_mail(ctx, actor=OFFICER, interface="api") == []
    again, _ = letters.mark_mailed(
        ctx, actor=OFFICER, interface="api", letter_id=1, on=date(2026, 11, 24)
    )
    assert again.mailed_at == letter.mailed_at
    from casework.services import cases

    trail = [
        e
        for e in cases.events(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference)
        if e.kind == "letter_mailed"
    ]
    assert [e.data for e in trail] == [{"letter_id": 1, "mailed_on": "2026-11-24"}]


def casework(ctx, *args, cwd, run=tests.cli.casework):
    """Run `casework ARGS` on the test's database as an officer (in process unless `run` says)."""
    url = ctx.settings.database.url
    return run(*args, env={"CASEWORK_DATABASE__URL": url, **command_line_account(url)}, cwd=cwd)


def test_the_command_line_lists_saves_and_marks_the_letters_to_mail(ctx, tmp_path):
    case = acknowledged_by_mail(ctx)
    listed = casework(ctx, "case", "letters", case.reference, "--save", "out", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    sha = letters.get(ctx, actor=OFFICER, interface="cli", reference=case.reference, letter_id=1)[
        1
    ].sha256
    assert listed.stdout == (f"1\t23 novembre 2026\tAccusé de réception\tà poster\tsha256:{sha}\n")
    saved = tmp_path / "out" / "PLT-2026-00001-1-acknowledgment.pdf"
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == sha

    to_mail = casework(ctx, "letters", "to-mail", cwd=tmp_path)
    assert to_mail.stdout.splitlines()[0] == (
        "1\tPLT-2026-00001\t23 novembre 2026\tAccusé de réception"
    )

    future = casework(ctx, "letters", "mark-mailed", "1", "--on", "2999-01-01", cwd=tmp_path)
    assert future.returncode == 2
    assert future.stderr.strip() == (
        "casework: --on: La date de mise à la poste ne peut pas être dans l’avenir."
    )
    garbled = casework(ctx, "letters", "mark-mailed", "1", "--on", "24/11/2026", cwd=tmp_path)
    assert garbled.returncode == 2 and "--on" in garbled.stderr
    unknown = casework(ctx, "letters", "mark-mailed", "99", "--on", "2026-11-24", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "Aucune lettre n’a le numéro 99." in unknown.stderr

    mailed = casework(ctx, "letters", "mark-mailed", "1", "--on", "2026-11-24", cwd=tmp_path)
    assert mailed.returncode == 0, mailed.stderr
    assert mailed.stdout == "1\tPLT-2026-00001\tpostée le 24 novembre 2026\n"
    # The smoke test of the `letters` group in a real process.
    again = casework(ctx, "letters", "to-mail", cwd=tmp_path, run=tests.cli.real_casework)
    assert again.returncode == 0, again.stderr
    assert again.stdout == ("Aucune lettre n’attend d’être postée.\n")
