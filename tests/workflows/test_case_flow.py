"""The case life cycle (DESIGN §2.2): every (state, trigger) pair, every guard, the messages."""

import ast
import json
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests import ROOT
from workflows import case_flow
from workflows.case_flow import (
    FIELDS,
    OPEN_STATES,
    OUTCOME_LABELS,
    SPECS,
    STATE_LABELS,
    TRANSITIONS,
    TRIGGER_LABELS,
    CaseState,
    FieldKind,
    FieldSpec,
    Message,
    Outcome,
    TransitionRefused,
    TransitionRequest,
    Trigger,
    allowed_triggers,
    describe,
    fire,
    mermaid_diagram,
)

TODAY = date(2026, 3, 16)
REPO = ROOT

S, T = CaseState, Trigger

# The life cycle as the brief states it, written out independently of TRANSITIONS.
EXPECTED_DEST: dict[tuple[CaseState, Trigger], CaseState] = {
    (S.RECEIVED, T.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.RECEIVED, T.ANSWER): S.ANSWERED,
    (S.ACKNOWLEDGED, T.ANSWER): S.ANSWERED,
    (S.RECEIVED, T.REQUEST_INFORMATION): S.AWAITING_REQUESTER,
    (S.ACKNOWLEDGED, T.REQUEST_INFORMATION): S.AWAITING_REQUESTER,
    (S.AWAITING_REQUESTER, T.RESUME): S.ACKNOWLEDGED,
    (S.RECEIVED, T.ESCALATE): S.ESCALATED,
    (S.ACKNOWLEDGED, T.ESCALATE): S.ESCALATED,
    (S.AWAITING_REQUESTER, T.ESCALATE): S.ESCALATED,
    (S.ANSWERED, T.ESCALATE): S.ESCALATED,
    # Issue 11: people usually go to the Protecteur du citoyen after the answer, the case closed.
    (S.CLOSED, T.ESCALATE): S.ESCALATED,
    (S.ANSWERED, T.CLOSE): S.CLOSED,
    (S.ESCALATED, T.CLOSE): S.CLOSED,
    (S.RECEIVED, T.CLOSE): S.CLOSED,
    (S.ACKNOWLEDGED, T.CLOSE): S.CLOSED,
    (S.AWAITING_REQUESTER, T.CLOSE): S.CLOSED,
    (S.CLOSED, T.REOPEN): S.ACKNOWLEDGED,
}

# Data that satisfies every guard of a trigger, from any state that allows it.
COMPLETE_DATA: dict[Trigger, dict[str, object]] = {
    T.ACKNOWLEDGE: {},
    T.ANSWER: {"answer_summary": "Explained the parking permit rules and refunded the fee."},
    T.REQUEST_INFORMATION: {"comment": "Copy of the notice of assessment is missing."},
    T.RESUME: {},
    T.ESCALATE: {"protecteur_file_number": "PC-2026-01234", "escalated_on": TODAY},
    T.CLOSE: {"outcome": Outcome.WITHDRAWN, "protecteur_conclusion": "partly_founded"},
    T.REOPEN: {"reason": "The requester sent new facts."},
}

ALL_PAIRS = [(state, trigger) for state in CaseState for trigger in Trigger]


@dataclass
class CaseRecord:
    """A stand-in for the Case row: anything with a status."""

    status: str


def request(trigger: str, **data: object) -> TransitionRequest:
    return TransitionRequest(trigger=trigger, today=TODAY, **data)


def complete_request(trigger: Trigger, **overrides: object) -> TransitionRequest:
    return request(trigger, **{**COMPLETE_DATA[trigger], **overrides})


def refusal(record: CaseRecord, transition_request: TransitionRequest) -> TransitionRefused:
    """Fire a request that must be refused; check the record is untouched and return why."""
    status_before = record.status
    with pytest.raises(TransitionRefused) as caught:
        fire(record, transition_request)
    assert record.status is status_before
    refused = caught.value
    assert refused.message.render().strip()
    assert str(refused) == refused.message.render()
    assert refused.field == refused.message.field
    assert refused.allowed == allowed_triggers(status_before)
    return refused


def expected_allowed(state: CaseState) -> set[Trigger]:
    return {trigger for (source, trigger) in EXPECTED_DEST if source == state}


# The table itself


def test_table_matches_the_life_cycle_of_the_design():
    pairs = {
        (CaseState(source), Trigger(row["trigger"])): CaseState(row["dest"])
        for row in TRANSITIONS
        for source in row["source"]
    }
    assert pairs == EXPECTED_DEST


def test_table_has_at_most_one_row_per_trigger_and_source():
    seen = [(row["trigger"], source) for row in TRANSITIONS for source in row["source"]]
    assert len(seen) == len(set(seen))


def test_table_names_only_known_states_triggers_and_guards():
    for row in TRANSITIONS:
        assert row["trigger"] in set(Trigger)
        assert row["dest"] in set(CaseState)
        assert set(row["source"]) <= set(CaseState)
        for callback in [*row.get("conditions", ()), *row.get("after", ())]:
            assert callable(getattr(case_flow._CaseAdapter, callback, None)), callback


def test_the_table_is_the_specifications_one_row_per_route():
    assert [spec.trigger for spec in SPECS] == list(Trigger)
    assert [(row["trigger"], row["source"], row["dest"]) for row in TRANSITIONS] == [
        (spec.trigger, list(route.sources), spec.dest) for spec in SPECS for route in spec.routes
    ]
    for spec in SPECS:
        assert spec.permission == f"case.fire.{spec.trigger}"


def test_complete_data_gives_every_field_a_specification_requires():
    for spec in SPECS:
        for source in spec.sources:
            required = {field.name for field in spec.required_from(source)}
            assert required <= set(COMPLETE_DATA[spec.trigger]), (spec.trigger, source)


@pytest.mark.parametrize(
    ("trigger", "source", "field"),
    [
        (spec.trigger, source, field)
        for spec in SPECS
        for source in spec.sources
        for field in spec.required_from(source)
    ],
    ids=str,
)
def test_each_required_field_missing_or_blank_is_refused_naming_it(trigger, source, field):
    for missing in (None, "  "):
        if missing is not None and field.kind is FieldKind.DATE:
            continue
        refused = refusal(CaseRecord(source), complete_request(trigger, **{field.name: missing}))
        assert refused.code == "transition_invalid"
        assert refused.field == field.name
        assert refused.message.msgid == field.missing


def test_a_field_read_by_several_triggers_is_the_same_kind_of_input_in_each():
    for spec in SPECS:
        for field in spec.fields:
            first = FIELDS[field.name]
            assert (field.kind, field.choices, field.part_of) == (
                first.kind,
                first.choices,
                first.part_of,
            ), (spec.trigger, field.name)


def test_a_required_field_says_why_it_is_refused_and_a_choice_names_its_choices():
    with pytest.raises(ValueError, match="message"):
        FieldSpec("summary", FieldKind.TEXT, required=True)
    with pytest.raises(ValueError, match="choices"):
        FieldSpec("outcome", FieldKind.CHOICE)


def test_closing_an_escalated_case_needs_the_protecteurs_conclusion_and_no_other_close_does():
    close = case_flow.SPEC_OF[Trigger.CLOSE]
    needed = {source: {f.name for f in close.required_from(source)} for source in close.sources}
    assert needed == {
        "answered": {"outcome"},
        "escalated": {"outcome", "protecteur_conclusion"},
        "received": {"outcome"},
        "acknowledged": {"outcome"},
        "awaiting_requester": {"outcome"},
    }


def test_every_trigger_and_every_state_appears_in_the_table():
    assert {row["trigger"] for row in TRANSITIONS} == set(Trigger)
    reached = {row["dest"] for row in TRANSITIONS} | {
        s for row in TRANSITIONS for s in row["source"]
    }
    assert reached == set(CaseState)


def test_open_states_are_all_but_closed():
    assert frozenset(CaseState) - OPEN_STATES == {CaseState.CLOSED}


def test_every_open_state_can_be_escalated_and_closed():
    for state in OPEN_STATES:
        if state is not CaseState.ESCALATED:
            assert Trigger.ESCALATE in allowed_triggers(state)
        assert Trigger.CLOSE in allowed_triggers(state)


def test_a_closed_case_can_only_be_escalated_or_reopened():
    assert allowed_triggers("closed") == (Trigger.ESCALATE, Trigger.REOPEN)


def test_allowed_triggers_of_a_received_case_follow_table_order():
    assert allowed_triggers("received") == (
        Trigger.ACKNOWLEDGE,
        Trigger.ANSWER,
        Trigger.REQUEST_INFORMATION,
        Trigger.ESCALATE,
        Trigger.CLOSE,
    )


def test_allowed_triggers_of_an_unknown_status_is_an_error():
    with pytest.raises(ValueError, match="lost"):
        allowed_triggers("lost")


def test_labels_cover_every_state_trigger_and_outcome():
    assert set(STATE_LABELS) == set(CaseState)
    assert set(TRIGGER_LABELS) == set(Trigger)
    assert set(OUTCOME_LABELS) == set(Outcome)
    labels = [*STATE_LABELS.values(), *TRIGGER_LABELS.values(), *OUTCOME_LABELS.values()]
    assert all(label.strip() for label in labels)
    assert len(labels) == len(set(labels)), "two labels share a msgid"


# Every (state, trigger) pair


@pytest.mark.parametrize(("state", "trigger"), ALL_PAIRS, ids=lambda value: str(value))
def test_every_state_and_trigger_pair(state: CaseState, trigger: Trigger):
    record = CaseRecord(status=state.value)
    if (state, trigger) in EXPECTED_DEST:
        result = fire(record, complete_request(trigger))
        dest = EXPECTED_DEST[(state, trigger)]
        assert (result.trigger, result.source, result.dest) == (trigger, state, dest)
        assert record.status == dest
        assert result.warnings == ()
    else:
        refused = refusal(record, complete_request(trigger))
        assert refused.code == "transition_not_allowed"
        assert refused.field is None
        assert set(refused.allowed) == expected_allowed(state)
        assert refused.message.params == {
            "trigger": trigger.value,
            "state": state.value,
            "allowed": ", ".join(refused.allowed),
        }


def test_acknowledging_an_answered_case_names_the_states_and_what_is_allowed():
    refused = refusal(CaseRecord("answered"), request("acknowledge"))
    assert refused.message.render() == (
        "“Acknowledge receipt” is not allowed on a case that is “Answered”. Allowed now:"
        " Record the escalation to the Protecteur du citoyen, Close the case."
    )


def test_unknown_trigger_is_refused_with_the_triggers_allowed_now():
    refused = refusal(CaseRecord("awaiting_requester"), request("archive"))
    assert refused.code == "transition_not_allowed"
    assert refused.field == "trigger"
    assert refused.allowed == (Trigger.RESUME, Trigger.ESCALATE, Trigger.CLOSE)
    assert refused.message.params["trigger"] == "archive"
    assert "Resume processing" in refused.message.render()


def test_case_with_an_unknown_status_is_an_error_not_a_refusal():
    record = CaseRecord(status="lost")
    with pytest.raises(ValueError, match="lost"):
        fire(record, request("acknowledge"))
    assert record.status == "lost"


def test_record_whose_status_is_an_enum_member_moves_too():
    record = CaseRecord(status=CaseState.RECEIVED)
    assert fire(record, request("acknowledge")).dest is CaseState.ACKNOWLEDGED
    assert record.status == "acknowledged"


def test_answering_within_the_acknowledgment_delay_skips_the_acknowledgment():
    record = CaseRecord("received")
    fire(record, complete_request(Trigger.ANSWER))
    assert record.status == "answered"


def test_resumed_case_goes_back_to_acknowledged():
    record = CaseRecord("received")
    fire(record, complete_request(Trigger.REQUEST_INFORMATION))
    fire(record, complete_request(Trigger.RESUME))
    assert record.status == "acknowledged"


def test_resuming_while_the_acknowledgment_is_owed_returns_to_received():
    record = CaseRecord("received")
    fire(record, complete_request(Trigger.REQUEST_INFORMATION))
    result = fire(record, complete_request(Trigger.RESUME, acknowledgment_owed=True))
    assert record.status == "received"
    assert result.dest == CaseState.RECEIVED


# Guards: answer, request for information


@pytest.mark.parametrize("summary", [None, "", "   ", "\n\t"])
@pytest.mark.parametrize("state", ["received", "acknowledged"])
def test_answer_without_answer_summary_is_refused(state: str, summary: str | None):
    refused = refusal(CaseRecord(state), request("answer", answer_summary=summary))
    assert refused.code == "transition_invalid"
    assert refused.field == "answer_summary"
    assert refused.message.msgid == "An answer needs an answer summary."


@pytest.mark.parametrize("comment", [None, "", "  "])
def test_request_for_information_without_saying_what_is_missing_is_refused(comment: str | None):
    refused = refusal(CaseRecord("acknowledged"), request("request_information", comment=comment))
    assert refused.code == "transition_invalid"
    assert refused.field == "comment"


# Guards: escalation to the Protecteur du citoyen


@pytest.mark.parametrize("file_number", [None, "", "   "])
def test_escalation_without_protecteur_file_number_is_refused(file_number: str | None):
    refused = refusal(
        CaseRecord("answered"),
        complete_request(Trigger.ESCALATE, protecteur_file_number=file_number),
    )
    assert refused.code == "transition_invalid"
    assert refused.field == "protecteur_file_number"


def test_escalation_without_date_is_refused():
    refused = refusal(CaseRecord("answered"), complete_request(Trigger.ESCALATE, escalated_on=None))
    assert refused.code == "transition_invalid"
    assert refused.field == "escalated_on"


def test_escalation_dated_tomorrow_is_refused():
    tomorrow = TODAY + timedelta(days=1)
    refused = refusal(
        CaseRecord("answered"), complete_request(Trigger.ESCALATE, escalated_on=tomorrow)
    )
    assert refused.code == "transition_invalid"
    assert refused.field == "escalated_on"
    assert refused.message.params == {"escalated_on": "2026-03-17", "today": "2026-03-16"}


def test_escalation_dated_today_is_accepted():
    record = CaseRecord("answered")
    fire(record, complete_request(Trigger.ESCALATE, escalated_on=TODAY))
    assert record.status == "escalated"


def test_protecteur_reply_due_before_the_escalation_is_refused():
    refused = refusal(
        CaseRecord("acknowledged"),
        complete_request(Trigger.ESCALATE, protecteur_reply_due_on=TODAY - timedelta(days=1)),
    )
    assert refused.field == "protecteur_reply_due_on"


def test_protecteur_reply_due_on_the_escalation_day_is_accepted():
    record = CaseRecord("acknowledged")
    fire(record, complete_request(Trigger.ESCALATE, protecteur_reply_due_on=TODAY))
    assert record.status == "escalated"


def test_facts_learned_after_the_escalation_are_refused():
    refused = refusal(
        CaseRecord("received"),
        complete_request(Trigger.ESCALATE, facts_known_on=TODAY + timedelta(days=1)),
    )
    assert refused.field == "facts_known_on"


def escalate(facts_known_on: date | None, escalated_on: date) -> case_flow.TransitionResult:
    record = CaseRecord("answered")
    result = fire(
        record,
        TransitionRequest(
            trigger="escalate",
            today=escalated_on,
            protecteur_file_number="PC-1",
            escalated_on=escalated_on,
            facts_known_on=facts_known_on,
        ),
    )
    assert record.status == "escalated", "a late escalation warns, it is never refused"
    return result


def test_escalation_exactly_one_year_after_learning_of_the_facts_is_not_warned():
    assert escalate(date(2025, 3, 16), date(2026, 3, 16)).warnings == ()


def test_escalation_one_year_and_a_day_after_learning_of_the_facts_warns_of_article_19():
    (warning,) = escalate(date(2025, 3, 16), date(2026, 3, 17)).warnings
    assert warning.field == "escalated_on"
    assert warning.params == {"escalated_on": "2026-03-17", "facts_known_on": "2025-03-16"}
    assert "art. 19" in warning.render()


def test_escalation_without_the_date_the_facts_were_learned_is_not_warned():
    assert escalate(None, date(2026, 3, 17)).warnings == ()


def test_facts_learned_on_29_february_turn_one_year_old_on_28_february():
    assert escalate(date(2024, 2, 29), date(2025, 2, 28)).warnings == ()
    assert len(escalate(date(2024, 2, 29), date(2025, 3, 1)).warnings) == 1


def test_facts_learned_on_28_february_before_a_leap_day_warn_on_29_february():
    assert escalate(date(2023, 2, 28), date(2024, 2, 28)).warnings == ()
    assert len(escalate(date(2023, 2, 28), date(2024, 2, 29)).warnings) == 1


def test_facts_learned_on_1_march_before_a_leap_day_are_one_year_old_on_1_march():
    assert escalate(date(2023, 3, 1), date(2024, 3, 1)).warnings == ()
    assert len(escalate(date(2023, 3, 1), date(2024, 3, 2)).warnings) == 1


# Guards: closing and reopening


@pytest.mark.parametrize("outcome", [Outcome.FOUNDED, Outcome.PARTLY_FOUNDED, Outcome.UNFOUNDED])
@pytest.mark.parametrize("state", ["received", "acknowledged", "awaiting_requester"])
def test_unanswered_case_cannot_be_closed_on_its_merits(state: str, outcome: Outcome):
    refused = refusal(CaseRecord(state), request("close", outcome=outcome))
    assert refused.code == "transition_invalid"
    assert refused.field == "outcome"
    assert refused.message.params["outcomes"] == "withdrawn, redirected, no_follow_up"
    assert "Withdrawn, Redirected, No follow-up" in refused.message.render()


@pytest.mark.parametrize(
    "outcome", [Outcome.WITHDRAWN, Outcome.REDIRECTED, Outcome.NO_FOLLOW_UP], ids=str
)
@pytest.mark.parametrize("state", ["received", "acknowledged", "awaiting_requester"])
def test_unanswered_case_closes_as_withdrawn_redirected_or_no_follow_up(state, outcome):
    record = CaseRecord(state)
    fire(record, complete_request(Trigger.CLOSE, outcome=outcome.value))
    assert record.status == "closed"


@pytest.mark.parametrize("outcome", list(Outcome), ids=str)
@pytest.mark.parametrize("state", ["answered", "escalated"])
def test_answered_or_escalated_case_closes_with_any_outcome(state: str, outcome: Outcome):
    record = CaseRecord(state)
    fire(record, complete_request(Trigger.CLOSE, outcome=outcome.value))
    assert record.status == "closed"


@pytest.mark.parametrize("outcome", [None, "", "  "])
@pytest.mark.parametrize("state", ["answered", "received"])
def test_closing_without_outcome_is_refused(state: str, outcome: str | None):
    refused = refusal(CaseRecord(state), request("close", outcome=outcome))
    assert refused.code == "transition_invalid"
    assert refused.field == "outcome"
    assert refused.message.msgid == "Closing a case needs an outcome."


@pytest.mark.parametrize("outcome", ["maybe", "FOUNDED", "Founded", " founded"])
def test_closing_with_an_unknown_outcome_is_refused(outcome: str):
    refused = refusal(CaseRecord("answered"), request("close", outcome=outcome))
    assert refused.code == "transition_invalid"
    assert refused.field == "outcome"
    assert refused.message.params["outcome"] == outcome
    assert "No follow-up" in refused.message.render()


@pytest.mark.parametrize("reason", [None, "", " "])
def test_reopening_without_reason_is_refused(reason: str | None):
    refused = refusal(CaseRecord("closed"), request("reopen", reason=reason))
    assert refused.code == "transition_invalid"
    assert refused.field == "reason"
    assert refused.allowed == (Trigger.ESCALATE, Trigger.REOPEN)


def test_guards_only_look_at_the_fields_of_their_own_trigger():
    record = CaseRecord("received")
    fire(record, request("acknowledge", outcome="nonsense", escalated_on=TODAY + timedelta(9)))
    assert record.status == "acknowledged"


# Requests, results and failures


def test_request_with_a_datetime_for_a_date_is_a_programming_error():
    with pytest.raises(TypeError, match="escalated_on"):
        request("escalate", escalated_on=datetime(2026, 3, 16, 10, 0))
    with pytest.raises(TypeError, match="today"):
        TransitionRequest(trigger="acknowledge", today=datetime(2026, 3, 16, 10, 0))


def test_request_with_non_text_where_text_belongs_is_a_programming_error():
    with pytest.raises(TypeError, match="answer_summary"):
        request("answer", answer_summary=42)
    with pytest.raises(TypeError, match="trigger"):
        TransitionRequest(trigger=None, today=TODAY)  # type: ignore[arg-type]


def test_failure_after_the_status_changed_puts_the_status_back(monkeypatch):
    def broken_warning(self, event):
        raise RuntimeError("simulated bug in a callback")

    monkeypatch.setattr(
        case_flow._CaseAdapter, "warn_if_more_than_one_year_after_facts", broken_warning
    )
    record = CaseRecord("answered")
    with pytest.raises(RuntimeError, match="simulated"):
        fire(record, complete_request(Trigger.ESCALATE))
    assert record.status == "answered"


def test_cases_move_independently_when_fired_from_several_threads():
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(100):
                record = CaseRecord("received")
                fire(record, complete_request(Trigger.REQUEST_INFORMATION))
                fire(record, complete_request(Trigger.RESUME))
                with pytest.raises(TransitionRefused):
                    fire(record, complete_request(Trigger.RESUME))
                fire(record, complete_request(Trigger.ANSWER))
                assert record.status == "answered"
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_message_is_read_only_and_hashable():
    message = Message("x %(a)s", {"a": "b"})
    with pytest.raises(TypeError):
        message.params["a"] = "c"  # type: ignore[index]
    assert hash(message) == hash(Message("x %(a)s", {"a": "b"}))


def test_refusal_translates_its_message_and_the_labels_in_it():
    french = {
        "“%(trigger)s” is not allowed on a case that is “%(state)s”. Allowed now: %(allowed)s.": (
            "L’action « %(trigger)s » n’est pas permise sur un dossier « %(state)s »."
            " Actions permises : %(allowed)s."
        ),
        "Reopen the case": "Rouvrir le dossier",
        "Record the escalation to the Protecteur du citoyen": "Consigner le recours",
        "Acknowledge receipt": "Accuser réception",
        "Closed": "fermé",
    }
    refused = refusal(CaseRecord("closed"), request("acknowledge"))
    assert refused.message.render(lambda msgid: french.get(msgid, msgid)) == (
        "L’action « Accuser réception » n’est pas permise sur un dossier « fermé »."
        " Actions permises : Consigner le recours, Rouvrir le dossier."
    )


# Every marked message: extracted from the source the way xgettext would see it


def marked_msgids() -> list[str]:
    tree = ast.parse(Path(case_flow.__file__).read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "N_"
        and isinstance(node.args[0], ast.Constant)
    ]


def test_messages_use_only_named_placeholders():
    msgids = marked_msgids()
    assert len(msgids) > 30
    for msgid in msgids:
        without_named = re.sub(r"%\([a-z_]+\)s", "", msgid)
        assert "%" not in without_named, msgid
        assert msgid == msgid.strip() and "  " not in msgid, msgid


def test_messages_with_placeholders_render_with_the_parameters_they_receive():
    placeholders = {msgid: set(re.findall(r"%\(([a-z_]+)\)s", msgid)) for msgid in marked_msgids()}
    produced = [
        refusal(CaseRecord("closed"), request("answer")).message,
        refusal(CaseRecord("closed"), request("archive")).message,
        refusal(CaseRecord("answered"), request("close", outcome="maybe")).message,
        refusal(CaseRecord("received"), request("close", outcome="founded")).message,
        refusal(
            CaseRecord("answered"),
            complete_request(Trigger.ESCALATE, escalated_on=TODAY + timedelta(1)),
        ).message,
        refusal(
            CaseRecord("answered"),
            complete_request(Trigger.ESCALATE, protecteur_reply_due_on=TODAY - timedelta(1)),
        ).message,
        refusal(
            CaseRecord("answered"),
            complete_request(Trigger.ESCALATE, facts_known_on=TODAY + timedelta(1)),
        ).message,
        *escalate(date(2020, 1, 1), TODAY).warnings,
    ]
    with_placeholders = {msgid for msgid, names in placeholders.items() if names}
    assert {message.msgid for message in produced} == with_placeholders
    for message in produced:
        assert set(message.params) == placeholders[message.msgid]
        assert "%(" not in message.render()


# Description and diagram


def test_describe_lists_states_rows_and_the_fields_each_needs():
    description = describe()
    json.dumps(description)
    assert description["states"] == [state.value for state in CaseState]
    assert description["diagram"] == mermaid_diagram()
    rows = description["triggers"]
    assert [(row["trigger"], row["sources"], row["dest"]) for row in rows] == [
        (row["trigger"], list(row["source"]), row["dest"]) for row in TRANSITIONS
    ]
    fields = set(FIELDS)
    by_trigger = {row["trigger"]: row for row in rows}
    for row in rows:
        assert set(row["requires"]) | set(row["optional"]) <= fields
    assert by_trigger["answer"]["requires"] == ["answer_summary"]
    assert by_trigger["escalate"]["requires"] == ["protecteur_file_number", "escalated_on"]
    assert by_trigger["escalate"]["optional"] == ["protecteur_reply_due_on", "facts_known_on"]
    assert by_trigger["reopen"]["requires"] == ["reason"]
    closing = [row for row in rows if row["trigger"] == "close"]
    assert [row["outcomes"] for row in closing] == [
        [outcome.value for outcome in Outcome],
        ["withdrawn", "redirected", "no_follow_up"],
    ]


def test_diagram_has_one_edge_per_table_source_and_is_stable():
    diagram = mermaid_diagram()
    assert diagram == mermaid_diagram()
    lines = diagram.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert "    [*] --> received" in lines
    edges = [line for line in lines if "-->" in line and "[*]" not in line]
    assert len(edges) == len(EXPECTED_DEST)
    for (state, trigger), dest in EXPECTED_DEST.items():
        assert any(line.startswith(f"    {state} --> {dest}: {trigger}") for line in edges)
    assert all(line == line.rstrip() for line in lines)


def test_workflow_documentation_shows_the_current_diagram():
    documentation = (REPO / "docs" / "workflow.md").read_text(encoding="utf-8")
    block = f"```mermaid\n{mermaid_diagram()}\n```"
    assert block in documentation, (
        "docs/workflow.md is out of date: paste the output of "
        "`python -c 'from workflows.case_flow import mermaid_diagram; print(mermaid_diagram())'`"
        " into its mermaid block"
    )
