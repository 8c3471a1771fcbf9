"""The people who handled a case (« le moins d'intervenants possible entre le demandeur et la
réponse »), kept on the case as `handlers` by the services: it always equals the distinct people
its trail names (the `from` and `to` of its assignment events) with its current assignee."""

from sqlmodel import Session, select

from casework.context import Actor
from casework.models import Case, CaseEvent
from casework.schemas import CaseCreate, CaseUpdate
from casework.services import cases as service
from casework.services import users
from casework.services.door import CASEWORK
from tests.conftest import montreal

OFFICER = Actor(label="user:responsable", role="officer")

# Each history: the assignee at registration, then each change (a user, or None to unassign),
# with the number of people who handled the case at the end.
HISTORIES = {
    "never assigned": (None, [], 0),
    "assigned at registration": ("a", [], 1),
    "assigned later": (None, ["a"], 1),
    "reassigned twice": ("a", ["b", "c"], 3),
    "back to the first": ("a", ["b", "a"], 2),
    "unassigned": ("a", [None], 1),
    "unassigned then another": (None, ["a", None, "b"], 2),
}


def staff(ctx) -> dict[str, int]:
    return {
        name: users.add(
            ctx,
            actor=OFFICER,
            username=f"agent.{name}",
            full_name=f"Agent {name.upper()}",
            role="agent",
            password="un-mot-de-passe-solide",
        ).id
        for name in ("a", "b", "c")
    }


def from_the_trail(engine, reference: str) -> tuple[int, int]:
    """Return the case's `handlers` and the distinct people its trail and assignee name, counted
    here without the rule under test."""
    with Session(engine) as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        events = session.exec(
            select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "assignment")
        ).all()
        people = {case.assignee_id} | {e.data[end] for e in events for end in ("from", "to")}
        return case.handlers, len(people - {None})


def assign(ctx, reference: str, user_id: int | None) -> None:
    version = service.get(ctx, actor=CASEWORK, interface="cli", reference=reference).case.version
    changes = (
        CaseUpdate(version=version, unassign=True)
        if user_id is None
        else CaseUpdate(version=version, assignee_id=user_id)
    )
    service.update(ctx, actor=OFFICER, interface="api", reference=reference, changes=changes)


def build(ctx, clock) -> dict[str, tuple[str, int]]:
    """Open a case per history and play it through the services, checking `handlers` after each
    step; return each case's reference and the people expected at the end."""
    clock.current = montreal(2026, 9, 1, 9, 0)
    people = staff(ctx)
    made = {}
    for n, (name, (first, changes, expected)) in enumerate(HISTORIES.items()):
        clock.current = montreal(2026, 9, 2 + n, 10, 0)
        data = CaseCreate(
            kind="complaint",
            channel="email",
            subject=name,
            received_at=clock.current,
            assignee_id=people[first] if first else None,
        )
        reference = service.open_case(ctx, actor=OFFICER, interface="api", data=data).case.reference
        handlers, counted = from_the_trail(ctx.engine, reference)
        assert handlers == counted, name
        for change in changes:
            assign(ctx, reference, people[change] if change else None)
            handlers, counted = from_the_trail(ctx.engine, reference)
            assert handlers == counted, name
        made[name] = (reference, expected)
    return made


def test_the_people_who_handled_a_case_follow_every_assignment(ctx, clock):
    for name, (reference, expected) in build(ctx, clock).items():
        assert from_the_trail(ctx.engine, reference) == (expected, expected), name
