"""Random officers firing random triggers with random data never break the case life cycle."""

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.workflows.test_case_flow import EXPECTED_DEST
from workflows.case_flow import (
    OUTCOMES_WITHOUT_ANSWER,
    TRANSITIONS,
    CaseState,
    Outcome,
    ProtecteurConclusion,
    TransitionRefused,
    TransitionRequest,
    Trigger,
    allowed_triggers,
    fire,
)

LEGAL_MOVES = {
    (row["trigger"], source, row["dest"]) for row in TRANSITIONS for source in row["source"]
}
ANSWERED_OR_ESCALATED = {CaseState.ANSWERED, CaseState.ESCALATED}

texts = st.sampled_from(
    [
        None,
        "",
        "   ",
        "\n\t",
        "Proof of residence is missing.",
        "PC-2026-00042",
        "Nouvelle preuve reçue.",
    ]
)
days = st.integers(0, 5 * 365).map(lambda n: date(2023, 1, 1) + timedelta(days=n))
outcomes = st.none() | st.sampled_from([*Outcome, "", "maybe", "FOUNDED"])
conclusions = st.none() | st.sampled_from([*ProtecteurConclusion, "", " "])
any_triggers = st.sampled_from([*Trigger, "archive", ""])


@st.composite
def transition_requests(
    draw: st.DrawFn, triggers: st.SearchStrategy[str] = any_triggers
) -> TransitionRequest:
    """Draw a request that may or may not carry what its trigger needs."""
    trigger = draw(triggers)
    today = draw(days)
    # Dates near one another, so that both sides of every date guard and of the one-year
    # warning come up often.
    escalated_on = draw(st.none() | st.integers(-800, 5).map(lambda n: today + timedelta(days=n)))
    anchor = escalated_on or today
    reply_due_on = draw(st.none() | st.integers(-5, 120).map(lambda n: anchor + timedelta(days=n)))
    facts_known_on = draw(
        st.none() | st.integers(-5, 800).map(lambda n: anchor - timedelta(days=n))
    )
    return TransitionRequest(
        trigger=str(trigger),
        today=today,
        answer_summary=draw(texts),
        comment=draw(texts),
        protecteur_file_number=draw(texts),
        escalated_on=escalated_on,
        protecteur_reply_due_on=reply_due_on,
        facts_known_on=facts_known_on,
        outcome=None if (outcome := draw(outcomes)) is None else str(outcome),
        reason=draw(texts),
        protecteur_conclusion=None if (found := draw(conclusions)) is None else str(found),
    )


def filled(text: str | None) -> bool:
    return text is not None and text.strip() != ""


def complete_for(source: CaseState, request: TransitionRequest) -> bool:
    """Say whether the request carries everything its (allowed) trigger needs, per the brief."""
    match Trigger(request.trigger):
        case Trigger.ANSWER:
            return filled(request.answer_summary)
        case Trigger.REQUEST_INFORMATION:
            return filled(request.comment)
        case Trigger.ESCALATE:
            escalated_on = request.escalated_on
            return (
                filled(request.protecteur_file_number)
                and escalated_on is not None
                and escalated_on <= request.today
                and (
                    request.protecteur_reply_due_on is None
                    or request.protecteur_reply_due_on >= escalated_on
                )
                and (request.facts_known_on is None or request.facts_known_on <= escalated_on)
            )
        case Trigger.CLOSE:
            if request.outcome not in {outcome.value for outcome in Outcome}:
                return False
            if source is CaseState.ESCALATED and not filled(request.protecteur_conclusion):
                return False
            return source in ANSWERED_OR_ESCALATED or request.outcome in OUTCOMES_WITHOUT_ANSWER
        case Trigger.REOPEN:
            return filled(request.reason)
        case _:
            return True


@dataclass
class CaseRecord:
    status: str


class CaseLifeCycle(RuleBasedStateMachine):
    """One case, fired at by officers who sometimes forget things or click the wrong button."""

    def __init__(self) -> None:
        super().__init__()
        self.case = CaseRecord(status="received")

    @rule(today=days)
    def officer_acknowledges(self, today: date) -> None:
        self.fire_and_check(TransitionRequest(trigger="acknowledge", today=today))

    @rule(today=days, summary=texts)
    def officer_records_the_answer(self, today: date, summary: str | None) -> None:
        self.fire_and_check(
            TransitionRequest(trigger="answer", today=today, answer_summary=summary)
        )

    @rule(today=days, comment=texts)
    def officer_asks_for_missing_information(self, today: date, comment: str | None) -> None:
        request = TransitionRequest(trigger="request_information", today=today, comment=comment)
        self.fire_and_check(request)

    @rule(today=days)
    def officer_resumes(self, today: date) -> None:
        self.fire_and_check(TransitionRequest(trigger="resume", today=today))

    @rule(request=transition_requests(triggers=st.just("escalate")))
    def officer_records_an_escalation(self, request: TransitionRequest) -> None:
        self.fire_and_check(request)

    @rule(today=days, outcome=outcomes, conclusion=conclusions)
    def officer_closes(self, today: date, outcome: str | None, conclusion: str | None) -> None:
        request = TransitionRequest(
            trigger="close",
            today=today,
            outcome=outcome,
            protecteur_conclusion=None if conclusion is None else str(conclusion),
        )
        self.fire_and_check(request)

    @rule(today=days, reason=texts)
    def officer_reopens(self, today: date, reason: str | None) -> None:
        self.fire_and_check(TransitionRequest(trigger="reopen", today=today, reason=reason))

    @rule(request=transition_requests())
    def officer_fires_anything_with_anything(self, request: TransitionRequest) -> None:
        self.fire_and_check(request)

    def fire_and_check(self, request: TransitionRequest) -> None:
        status_before = self.case.status
        source = CaseState(status_before)
        allowed = allowed_triggers(source)
        assert set(allowed) == {trigger for (state, trigger) in EXPECTED_DEST if state == source}
        known = request.trigger in {trigger.value for trigger in Trigger}
        try:
            result = fire(self.case, request)
        except TransitionRefused as refused:
            assert self.case.status is status_before, "a refused fire changed the status"
            assert refused.allowed == allowed
            assert refused.message.render().strip()
            event(f"refused {refused.code}")
            if not known or Trigger(request.trigger) not in allowed:
                assert refused.code == "transition_not_allowed"
            else:
                assert refused.code == "transition_invalid"
                assert refused.field is not None
                assert not complete_for(source, request), "a complete request was refused"
            return
        assert known and Trigger(request.trigger) in allowed
        assert complete_for(source, request), "an incomplete request went through"
        assert (result.trigger, result.source, result.dest) in LEGAL_MOVES
        assert EXPECTED_DEST[(result.source, result.trigger)] == result.dest
        assert result.source == status_before
        assert self.case.status == result.dest
        if result.trigger is not Trigger.ESCALATE:
            assert result.warnings == ()
        elif result.warnings:
            event("warned: more than one year after the facts")
            assert request.facts_known_on is not None
            assert request.escalated_on is not None
            assert (request.escalated_on - request.facts_known_on).days > 365
        event(f"moved {result.source} -> {result.dest}")

    @invariant()
    def status_is_always_a_legal_state(self) -> None:
        assert self.case.status in {state.value for state in CaseState}

    @invariant()
    def some_trigger_is_always_allowed(self) -> None:
        assert allowed_triggers(self.case.status)


CaseLifeCycle.TestCase.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)
TestCaseLifeCycle = CaseLifeCycle.TestCase
