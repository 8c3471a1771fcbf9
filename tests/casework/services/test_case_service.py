"""The case commands on a real database: every (state, trigger) pair, concurrency, invariants."""

import threading
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlmodel import Session, select

from casework.context import Actor, AppContext, FixedClock
from casework.models import Case, CaseEvent
from casework.schemas import CaseCreate, TransitionIn
from casework.services import cases as service
from casework.services.door import CASEWORK
from casework.services.errors import TransitionNotAllowed, VersionConflict
from tests.conftest import montreal
from workflows.case_flow import SPECS

OFFICER = Actor(label="user:officer", role="officer")

# How to bring a new case to each state, and what may be fired from there (worked out from the
# life cycle of DESIGN §2.2, not read from the code under test).
PATHS = {
    "received": [],
    "acknowledged": ["acknowledge"],
    "awaiting_requester": ["acknowledge", "request_information"],
    "answered": ["answer"],
    "escalated": ["escalate"],
    "closed": ["answer", "close"],
}
ALLOWED = {
    "received": {"acknowledge", "answer", "request_information", "escalate", "close"},
    "acknowledged": {"answer", "request_information", "escalate", "close"},
    "awaiting_requester": {"resume", "escalate", "close"},
    "answered": {"escalate", "close"},
    "escalated": {"close"},
    "closed": {"reopen", "escalate"},
}
# The triggers as the code declares them (workflows.case_flow.SPECS); where each goes from and to
# is worked out by hand in ALLOWED and DESTINATION, which a test holds to the specifications.
TRIGGERS = [spec.trigger.value for spec in SPECS]
DESTINATION = {
    "acknowledge": "acknowledged",
    "answer": "answered",
    "request_information": "awaiting_requester",
    "resume": "acknowledged",
    "escalate": "escalated",
    "close": "closed",
    "reopen": "acknowledged",
}


def new_case(ctx: AppContext, **overrides) -> Case:
    data = CaseCreate(
        kind="complaint",
        channel="letter",
        subject="Plainte sur le délai",
        received_at=montreal(2026, 11, 20, 10, 0),
        requester={"name": "Jean Roy", "email": "jean.roy@example.org"},
        **overrides,
    )
    return service.open_case(ctx, interface="api", actor=OFFICER, data=data).case


def full_request(trigger: str, version: int, today) -> TransitionIn:
    """A request carrying everything any trigger needs (each reads what its specification
    says)."""
    return TransitionIn(
        trigger=trigger,
        version=version,
        comment="Il manque la copie de la facture.",
        answer_summary="La plainte est fondée; le dossier est corrigé.",
        protecteur_file_number="PC-2026-0042",
        escalated_on=today,
        protecteur_reply_due_on=today + timedelta(days=30),
        outcome="withdrawn",
        reason="Nouvel élément au dossier",
        protecteur_conclusion="partly_founded",
    )


def test_every_trigger_the_specifications_declare_is_worked_out_here_and_has_its_effect():
    assert set(TRIGGERS) == set(DESTINATION) == set().union(*ALLOWED.values())
    assert set(service.EFFECTS) == set(TRIGGERS)
    for spec in SPECS:
        assert DESTINATION[spec.trigger] == spec.dest
        assert {s for s, allowed in ALLOWED.items() if spec.trigger in allowed} == set(spec.sources)


def bring_to(ctx: AppContext, state: str) -> Case:
    case = new_case(ctx)
    for trigger in PATHS[state]:
        case = service.fire(
            ctx,
            interface="api",
            actor=OFFICER,
            reference=case.reference,
            request=full_request(trigger, case.version, ctx.today()),
        ).case
    assert case.status == state
    return case


def event_count(ctx: AppContext, case: Case) -> int:
    with Session(ctx.engine) as session:
        return len(session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all())


@pytest.mark.parametrize("state", list(PATHS))
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_state_and_trigger_pair(ctx, state, trigger):
    case = bring_to(ctx, state)
    events_before = event_count(ctx, case)
    request = full_request(trigger, case.version, ctx.today())
    if trigger in ALLOWED[state]:
        after = service.fire(
            ctx, interface="api", actor=OFFICER, reference=case.reference, request=request
        ).case
        assert after.status == DESTINATION[trigger]
        assert after.version == case.version + 1
        assert event_count(ctx, case) == events_before + 1
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            service.fire(
                ctx, interface="api", actor=OFFICER, reference=case.reference, request=request
            )
        assert set(refused.value.allowed) == ALLOWED[state]
        assert refused.value.message("fr")
        assert refused.value.message("en")
        again = service.get(
            ctx, actor=CASEWORK, interface="scheduler", reference=case.reference
        ).case
        assert (again.status, again.version) == (state, case.version)
        assert event_count(ctx, case) == events_before


def test_twenty_officers_firing_on_the_same_version_one_wins(ctx):
    case = new_case(ctx)
    outcomes: list[str] = []
    barrier = threading.Barrier(20)

    def acknowledge():
        barrier.wait()
        try:
            service.fire(
                ctx,
                interface="api",
                actor=OFFICER,
                reference=case.reference,
                request=TransitionIn(trigger="acknowledge", version=1),
            )
            outcomes.append("ok")
        except VersionConflict:
            outcomes.append("conflict")
        except TransitionNotAllowed:
            outcomes.append("refused")

    threads = [threading.Thread(target=acknowledge) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 19 + ["ok"]
    after = service.get(ctx, actor=CASEWORK, interface="scheduler", reference=case.reference).case
    assert after.version == 2
    assert event_count(ctx, case) == 2  # created + one acknowledgment


def test_fifty_concurrent_creations_get_distinct_gap_free_references(ctx):
    references: list[str] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(50)

    def create():
        barrier.wait()
        try:
            references.append(new_case(ctx).reference)
        except Exception as exc:  # collected: the assertion below shows them
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(references) == [f"PLT-2026-{n:05d}" for n in range(1, 51)]


TRIGGER_DATA = st.fixed_dictionaries(
    {},
    optional={
        "comment": st.sampled_from(["", "Pièce manquante"]),
        "answer_summary": st.sampled_from(["", "Réponse transmise"]),
        "protecteur_file_number": st.sampled_from(["", "PC-1"]),
        "outcome": st.sampled_from(["founded", "withdrawn", "unfounded"]),
        "reason": st.sampled_from(["", "Nouveau fait"]),
    },
)


class CaseLifeCycle(RuleBasedStateMachine):
    """Random triggers with random data: the status stays legal, each success writes one event
    and one version, due dates never precede the receipt."""

    ctx: AppContext

    @initialize()
    def open(self):
        self.case = new_case(self.ctx)
        self.events = 1

    @rule(
        trigger=st.sampled_from(TRIGGERS),
        data=TRIGGER_DATA,
        days=st.integers(min_value=0, max_value=40),
        escalate_today=st.booleans(),
    )
    def fire(self, trigger, data, days, escalate_today):
        self.ctx.clock.current += timedelta(days=days)
        today = self.ctx.today()
        extra = {"escalated_on": today} if escalate_today else {}
        request = TransitionIn(trigger=trigger, version=self.case.version, **data, **extra)
        try:
            after = service.fire(
                self.ctx,
                interface="api",
                actor=OFFICER,
                reference=self.case.reference,
                request=request,
            ).case
        except TransitionNotAllowed:
            after = service.get(
                self.ctx, actor=CASEWORK, interface="scheduler", reference=self.case.reference
            ).case
            assert after.version == self.case.version
            assert after.status == self.case.status
        else:
            assert after.version == self.case.version + 1
            self.events += 1
        self.case = after

    @invariant()
    def consistent(self):
        if not hasattr(self, "case"):
            return
        case = self.case
        assert case.status in ALLOWED
        received_on = case.received_at.astimezone(self.ctx.tz).date()
        assert case.answer_due_on > received_on
        assert case.ack_due_on is None or case.ack_due_on > received_on
        assert event_count(self.ctx, case) == self.events


def test_random_life_cycles_keep_their_invariants(ctx):
    CaseLifeCycle.ctx = ctx.with_clock(FixedClock(ctx.clock.current))
    CaseLifeCycle.TestCase.settings = settings(
        max_examples=15,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    CaseLifeCycle.TestCase().runTest()
