"""Each trigger is declared once (workflows.case_flow.SPECS): a field written in its
specification is read by the API, asked by the case page's form and taken by `casework case
fire`, and a required one missing is refused by each of them naming it; on SQLite and
PostgreSQL."""

import re

import pytest

from casework.app import create_app
from casework.cli.cases import option_name
from casework.schemas import TransitionIn
from casework.web.case import FIELD_LABELS
from tests.casework.security.conftest import EXAMPLES, make_case, sign_in, transition_fields
from tests.cli import invoked
from tests.conftest import command_line_account
from workflows.case_flow import FIELDS, SPECS, FieldKind, TriggerSpec

ACCOUNT = "olivier.officier"  # a complaints officer: may fire every trigger
PASSWORD = "mot-de-passe-de-test-assez-long"  # tests.conftest.command_line_account's
# A path of triggers from `received` to each state (worked out from DESIGN §2.2).
PATHS = {
    "received": (),
    "acknowledged": ("acknowledge",),
    "awaiting_requester": ("request_information",),
    "answered": ("answer",),
    "escalated": ("escalate",),
    "closed": ("answer", "close"),
}
# The widget the page shows for each kind of input (templates/web/case.html).
WIDGETS = {
    FieldKind.TEXT: "input",
    FieldKind.LONG_TEXT: "textarea",
    FieldKind.DATE: "input",
    FieldKind.CHOICE: "select",
    FieldKind.LISTED: "select",
}
FIRED_FROM = [(spec, source) for spec in SPECS for source in spec.sources]
REQUIRED = [
    (spec, source, field.name)
    for spec, source in FIRED_FROM
    for field in spec.required_from(source)
]


def _ids(value) -> str:
    return str(value.trigger) if isinstance(value, TriggerSpec) else str(value)


@pytest.fixture
def officer(ctx):
    """A complaints officer signed in to the pages."""
    command_line_account(ctx.settings.database.url, username=ACCOUNT, role="officer")
    app = create_app(ctx.settings, engine=ctx.engine, clock=ctx.clock)
    client = sign_in(app, ACCOUNT, password=PASSWORD)
    yield client
    client.close()


@pytest.fixture
def fire_command(ctx, monkeypatch):
    """Run `casework --as olivier.officier case fire …` in this process, on the test's database."""
    monkeypatch.setattr("casework.cli.cases.context", lambda: ctx)
    command_line_account(ctx.settings.database.url, username=ACCOUNT, role="officer")

    def invoke(reference: str, trigger: str, options: dict[str, str]):
        given = [part for name, value in options.items() for part in (option_name(name), value)]
        return invoked("--as", ACCOUNT, "case", "fire", reference, trigger, *given)

    return invoke


def _flat(data: dict) -> dict[str, str]:
    """The fields of a transition's JSON body as options: a group's fields at the top."""
    flat = {}
    for name, value in data.items():
        if name in ("trigger", "version"):
            continue
        flat.update(value if isinstance(value, dict) else {name: value})
    return flat


def test_every_field_of_a_specification_is_in_the_api_schema_has_a_label_and_an_option():
    shown = invoked("case", "fire", "--help", terminal_width=200).output
    for spec, source in FIRED_FROM:
        data = transition_fields(spec.trigger, 1, source)
        given = TransitionIn.model_validate(data).given(spec)
        for field in spec.fields_from(source):
            expected = spec.choices(field, source)[0] if field.choices else EXAMPLES[field.name]
            assert str(given[field.name]) == expected, (spec.trigger, field.name)
    for name in FIELDS:
        assert name in FIELD_LABELS, name
        assert option_name(name) in shown, name


@pytest.mark.parametrize(("spec", "source"), FIRED_FROM, ids=_ids)
def test_the_case_page_asks_what_the_specification_reads_as_the_kind_of_input_it_says(
    ctx, officer, spec, source
):
    case = make_case(ctx, path=PATHS[source])
    page = officer.get(f"/cases/{case.reference}")
    assert page.status_code == 200
    form = re.search(
        rf'action="/cases/{case.reference}/fire/{spec.trigger}">(.*?)</form>', page.text, re.S
    )
    assert form is not None, spec.trigger
    asked = set(re.findall(r'name="([a-z_]+)"', form.group(1))) - {"csrf_token", "version"}
    assert asked == {f.name for f in spec.fields_from(source) if f.in_form}
    for field in spec.fields_from(source):
        if not field.in_form:
            continue
        fid = f"{spec.trigger}-{field.name}"
        if field.name == "outcome":  # a few values to weigh: radio buttons
            assert f'<fieldset class="choices" id="{fid}"' in form.group(1)
            continue
        tag = re.search(rf'<{WIDGETS[field.kind]}\b[^>]*\bid="{fid}"[^>]*>', form.group(1))
        assert tag is not None, fid
        assert (" required" in tag.group(0)) == field.required, fid


@pytest.mark.parametrize(("spec", "source", "name"), REQUIRED, ids=_ids)
def test_a_required_field_missing_is_refused_by_the_api_naming_the_field(
    ctx, client, spec, source, name
):
    case = make_case(ctx, path=PATHS[source])
    body = transition_fields(spec.trigger, case.version, source, leave_out=name)
    refused = client.post(f"/api/cases/{case.reference}/transitions", json=body)
    assert refused.status_code == 409
    assert refused.json()["field"] == name
    complete = transition_fields(spec.trigger, case.version, source)
    fired = client.post(f"/api/cases/{case.reference}/transitions", json=complete)
    assert fired.status_code == 200, fired.text
    assert fired.json()["status"] == spec.dest


@pytest.mark.parametrize(("spec", "source", "name"), REQUIRED, ids=_ids)
def test_a_required_field_missing_stops_case_fire_naming_its_option(
    ctx, fire_command, spec, source, name
):
    case = make_case(ctx, path=PATHS[source])
    options = _flat(transition_fields(spec.trigger, case.version, source, leave_out=name))
    refused = fire_command(case.reference, spec.trigger, options)
    assert refused.exit_code == 2
    assert option_name(name) in refused.output
    fired = fire_command(
        case.reference, spec.trigger, _flat(transition_fields(spec.trigger, 1, source))
    )
    assert fired.exit_code == 0, fired.output
    assert f"{case.reference}\t" in fired.output


def test_case_fire_refuses_an_option_the_trigger_does_not_read_naming_it(ctx, fire_command):
    case = make_case(ctx)
    refused = fire_command(case.reference, "acknowledge", {"reason": "Par erreur"})
    assert refused.exit_code == 2
    assert "--reason" in refused.output
    assert "acknowledge" in refused.output
