"""Who may do what, over the REST API: every caller × every endpoint × every case kind gets
exactly the status of the policy table (docs/security.md), and sees the requester only where the
policy lets it.

Callers: nobody, an integration key, an agent the case is assigned to, another agent, a
complaints officer, a supervisor, an administrator. Each mutating request goes to a fresh case in
the state its trigger needs, so that a refusal can only come from the policy.
"""

import pytest

from tests.casework.security.conftest import CALLERS, make_case, transition_fields
from workflows.case_flow import SPEC_OF, SPECS, Trigger
from workflows.deadlines import CaseKind

KINDS = [kind.value for kind in CaseKind]

# endpoint -> the status each caller gets, in the order of CALLERS:
#   anonymous, integration, admin, officer, supervisor, agent_assigned, agent_other
EXPECTED = {
    "list cases": (401, 200, 200, 200, 200, 200, 200),
    "read case": (401, 200, 200, 200, 200, 200, 200),
    "read deadlines": (401, 200, 200, 200, 200, 200, 200),
    "read events": (401, 403, 200, 200, 200, 200, 200),
    "read access log": (401, 403, 200, 200, 403, 403, 403),
    "create case": (401, 201, 201, 201, 403, 403, 403),
    "edit case": (401, 403, 200, 200, 403, 200, 403),
    "assign case": (401, 403, 200, 200, 200, 403, 403),
    "add note": (401, 403, 201, 201, 201, 201, 403),
    "extend delay": (401, 403, 200, 200, 403, 403, 403),
    "acknowledge": (401, 403, 200, 200, 403, 200, 403),
    "answer": (401, 403, 200, 200, 403, 200, 403),
    "request_information": (401, 403, 200, 200, 403, 200, 403),
    "resume": (401, 403, 200, 200, 403, 200, 403),
    "escalate": (401, 403, 200, 200, 403, 403, 403),
    "close": (401, 403, 200, 200, 403, 403, 403),
    "reopen": (401, 403, 200, 200, 403, 403, 403),
    "read workflow": (401, 200, 200, 200, 200, 200, 200),
    "who am I": (401, 200, 200, 200, 200, 200, 200),
}
PUBLIC = {
    "health": "/healthz",
    "closure list": "/api/calendar/closures?year=2026",
    "deadline calculator": "/api/calendar/due?received=2026-11-20&days=10",
}
# The state each trigger starts from (a path of triggers from `received`).
BEFORE = {
    "acknowledge": (),
    "answer": (),
    "request_information": (),
    "resume": ("request_information",),
    "escalate": (),
    "close": ("answer",),
    "reopen": ("answer", "close"),
}
# Whether the caller sees the requester of a case assigned to agent_assigned.
SEES_REQUESTER = {
    "integration": False,
    "admin": True,
    "officer": True,
    "supervisor": True,
    "agent_assigned": True,
    "agent_other": False,
}


def _call(client, endpoint, ctx, kind, people):
    """Make one request of `endpoint` on a case of `kind` assigned to agent_assigned."""
    assignee = people["agent_assigned"]

    def fresh(path=()):
        return make_case(ctx, kind=kind, assignee_id=assignee, path=path)

    if endpoint == "create case":
        return client.post(
            "/api/cases",
            json={
                "kind": kind,
                "channel": "email",
                "subject": "Demande reçue par le formulaire",
                "received_at": "2026-11-20T10:00:00-05:00",
                "requester": {"name": "Luc Gagnon"},
            },
        )
    if endpoint == "list cases":
        return client.get("/api/cases", params={"kind": kind})
    if endpoint == "read workflow":
        return client.get("/api/workflow")
    if endpoint == "who am I":
        return client.get("/api/session")
    case = fresh(BEFORE.get(endpoint, ()))
    base = f"/api/cases/{case.reference}"
    if endpoint == "read case":
        return client.get(base)
    if endpoint == "read deadlines":
        return client.get(f"{base}/deadlines")
    if endpoint == "read events":
        return client.get(f"{base}/events")
    if endpoint == "read access log":
        return client.get(f"{base}/access-log")
    if endpoint == "edit case":
        return client.patch(base, json={"version": case.version, "priority": "high"})
    if endpoint == "assign case":
        return client.patch(base, json={"version": case.version, "assignee_id": people["officer"]})
    if endpoint == "add note":
        return client.post(f"{base}/notes", json={"text": "Appel fait à la direction."})
    if endpoint == "extend delay":
        return client.post(
            f"{base}/extensions",
            json={"version": case.version, "days": 5, "reason": "Analyse juridique"},
        )
    return client.post(
        f"{base}/transitions", json=transition_fields(endpoint, case.version, case.status)
    )


def test_the_matrix_fires_every_trigger_of_the_life_cycle_from_a_state_it_leaves():
    for spec in SPECS:
        assert spec.trigger in EXPECTED, spec.trigger
        state = "received"
        for trigger in BEFORE[spec.trigger]:
            state = SPEC_OF[Trigger(trigger)].dest
        assert state in spec.sources, spec.trigger


@pytest.mark.parametrize("caller", CALLERS)
def test_each_endpoint_answers_each_caller_with_the_status_of_the_policy(
    caller, callers, ctx, people
):
    column = CALLERS.index(caller)
    expected = {
        (endpoint, kind): statuses[column]
        for endpoint, statuses in EXPECTED.items()
        for kind in KINDS
    }
    actual = {
        (endpoint, kind): _call(callers[caller], endpoint, ctx, kind, people).status_code
        for endpoint in EXPECTED
        for kind in KINDS
    }
    assert actual == expected


@pytest.mark.parametrize("caller", CALLERS)
def test_public_endpoints_need_no_credentials(caller, callers):
    for name, url in PUBLIC.items():
        assert callers[caller].get(url).status_code == 200, name


@pytest.mark.parametrize("kind", KINDS)
def test_requester_is_shown_to_officers_supervisors_admins_and_the_assignee_only(
    kind, callers, ctx, people
):
    case = make_case(ctx, kind=kind, assignee_id=people["agent_assigned"])
    for caller, sees in SEES_REQUESTER.items():
        one = callers[caller].get(f"/api/cases/{case.reference}").json()["requester"]
        listed = callers[caller].get("/api/cases", params={"kind": kind}).json()["items"][0]
        for requester in (one, listed["requester"]):
            if sees:
                assert requester["name"] == "Marie Tremblay", caller
                assert requester["email"] == "marie.tremblay@example.org", caller
                assert requester["redacted"] is False
            else:
                assert requester == {
                    "name": None,
                    "email": None,
                    "phone": None,
                    "postal_address": None,
                    "language": "fr",
                    "title": None,
                    "by_mail": None,
                    "redacted": True,
                }, caller


def test_an_agent_sees_the_requester_once_the_case_is_assigned_to_them(callers, ctx, people):
    case = make_case(ctx)
    agent = callers["agent_other"]
    assert agent.get(f"/api/cases/{case.reference}").json()["requester"]["redacted"] is True
    callers["officer"].patch(
        f"/api/cases/{case.reference}",
        json={"version": case.version, "assignee_id": people["agent_other"]},
    )
    assert agent.get(f"/api/cases/{case.reference}").json()["requester"]["name"] == (
        "Marie Tremblay"
    )


def test_an_agent_cannot_move_a_case_assigned_to_someone_else_and_nothing_changes(
    callers, ctx, people
):
    case = make_case(ctx, assignee_id=people["agent_assigned"])
    refused = callers["agent_other"].post(
        f"/api/cases/{case.reference}/transitions",
        json={"trigger": "acknowledge", "version": case.version},
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert refused.json()["detail"] == "Votre rôle ne permet pas cette action."
    events = callers["officer"].get(f"/api/cases/{case.reference}/events").json()
    assert [e["kind"] for e in events] == ["created"]


def test_an_unknown_case_is_404_for_whoever_may_read_cases(callers):
    for caller in ("integration", "officer", "agent_other"):
        assert callers[caller].get("/api/cases/PLT-2026-99999").status_code == 404
    assert callers["anonymous"].get("/api/cases/PLT-2026-99999").status_code == 401
