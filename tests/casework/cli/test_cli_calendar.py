"""`casework calendar`: the exact output that scripts and acceptance checks read.

The commands run in process, except in `test_closures_of_2027_one_line_each_with_the_french_name`:
the real-process smoke test of the `calendar` group.
"""

import json

from tests.cli import casework, real_casework


def test_closures_of_2027_one_line_each_with_the_french_name():
    result = real_casework("calendar", "closures", "2027")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "2027-01-01\tJour de l’An",
        "2027-01-04\tLendemain du jour de l’An",
        "2027-03-26\tVendredi saint",
        "2027-03-29\tLundi de Pâques",
        "2027-05-24\tJournée nationale des patriotes",
        "2027-06-24\tFête nationale du Québec",
        "2027-07-01\tFête du Canada",
        "2027-09-06\tFête du Travail",
        "2027-10-11\tAction de grâces",
        "2027-12-24\tVeille de Noël",
        "2027-12-27\tNoël",
        "2027-12-28\tLendemain de Noël",
        "2027-12-31\tVeille du jour de l’An",
    ]


def test_closures_as_json_carry_both_names_and_the_source():
    result = casework("calendar", "closures", "2028", "--json")
    days = json.loads(result.stdout)
    assert days[0] == {
        "date": "2028-01-03",
        "name_fr": "Jour de l’An",
        "name_en": "New Year's Day",
        "source": "public_service",
    }
    assert [d["date"] for d in days][-4:] == [
        "2028-12-22",
        "2028-12-25",
        "2028-12-26",
        "2028-12-29",
    ]


def test_due_prints_one_date_per_receipt_in_the_order_given():
    result = casework(
        "calendar",
        "due",
        "2025-12-19",  # Friday before the year-end closures
        "2026-03-06T22:30",  # naive: 22:30 in Montreal, already Saturday in UTC
        "2026-03-07T03:30:00+00:00",  # the same moment, with an offset
        "2026-11-01T01:30",  # the night daylight saving time ends
    )
    assert result.returncode == 0, result.stderr
    # 19 Dec 2025: 22, 23, 29, 30 Dec, 5-9 Jan, 12 Jan (10th business day).
    # Friday 6 March 2026: 9-13, 16-20 March -> Friday 20 March.
    # Sunday 1 November 2026: 2-6, 9-13 November -> Friday 13 November.
    assert result.stdout.splitlines() == [
        "2026-01-12",
        "2026-03-20",
        "2026-03-20",
        "2026-11-13",
    ]


def test_due_with_other_delays_and_calendar_days():
    # 20 business days from Friday 19 December 2025: ..., 12 Jan (10), 13-16, 19-23 Jan, 26 Jan.
    assert casework("calendar", "due", "2025-12-19", "--days", "20").stdout == "2026-01-26\n"
    # 30 calendar days from 1 June 2026 end on Wednesday 1 July, Canada Day: next business day.
    result = casework("calendar", "due", "2026-06-01", "--days", "30", "--calendar-days")
    assert result.stdout == "2026-07-02\n"


def test_due_refuses_a_bad_receipt_naming_it():
    result = casework("calendar", "due", "2026-01-05", "5 janvier")
    assert result.returncode == 2
    assert "'5 janvier'" in result.stderr
    assert result.stdout == ""


def test_explain_in_french_and_english():
    french = casework("calendar", "explain", "2025-12-19").stdout
    assert "vendredi 19 décembre 2025" in french
    assert "24, 25, 26 et 31 décembre 2025 et 1er et 2 janvier 2026" in french
    assert "lundi 12 janvier 2026" in french
    english = casework("calendar", "explain", "2025-12-19", "--lang", "en").stdout
    assert "Monday, January 12, 2026" in english
    assert casework("calendar", "explain", "2025-12-19", "--lang", "de").returncode == 2


def test_closures_decided_in_the_pages_reach_the_command_line(tmp_path):
    from datetime import date

    from casework.config import DatabaseSettings, Settings
    from casework.context import Actor, AppContext
    from casework.db import make_engine
    from casework.migrate import upgrade
    from casework.services.calendar import refresh
    from casework.services.closures import apply_closure_change

    url = f"sqlite:///{tmp_path}/cw.db"
    engine = make_engine(DatabaseSettings(url=url))
    upgrade(engine)
    ctx = AppContext(settings=Settings(database=DatabaseSettings(url=url)), engine=engine)
    refresh(ctx)
    apply_closure_change(
        ctx,
        actor=Actor(label="user:admin", role="admin"),
        day=date(2026, 12, 29),
        action="add",
        name_fr="Fermeture exceptionnelle",
        name_en="Exceptional closure",
    )
    engine.dispose()
    env = {"CASEWORK_DATABASE__URL": url}
    lines = casework("calendar", "closures", "2026", env=env, cwd=tmp_path).stdout.splitlines()
    assert "2026-12-29\tFermeture exceptionnelle" in lines
    # Received Wednesday 23 December 2026: 24, 25, 28, 29 (new), 31 December, 1 and 4 January
    # are closed; 30 Dec (1), 5-8 Jan (2-5), 11-15 Jan (6-10): due Friday 15 January 2027.
    assert casework("calendar", "due", "2026-12-23", env=env, cwd=tmp_path).stdout == (
        "2027-01-15\n"
    )


def test_a_refusal_is_said_in_the_configured_language_and_stops_with_status_2():
    french = casework("calendar", "closures", "1999")
    assert french.returncode == 2
    assert french.stderr.startswith("casework: Année invalide (1999)\u00a0: le calendrier couvre")
    english = casework(
        "calendar", "closures", "1999", env={"CASEWORK_I18N__DEFAULT_LANGUAGE": "en"}
    )
    assert english.returncode == 2
    assert english.stderr.startswith("casework: Invalid year 1999: the calendar covers")
