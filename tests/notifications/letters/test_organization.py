"""The organization's identity in the configuration: checked at start-up (a bad value stops the
program with the key named), and what the body sets (name, signatory, logo, its own templates) is
what its letters say.
"""

from io import BytesIO

import pytest
from PIL import Image
from pypdf import PdfReader

from casework.config import OrganizationSettings
from casework.services import letters
from tests.cli import casework
from tests.notifications.letters.conftest import OFFICER, fire, letter_of_18_december


@pytest.mark.parametrize(
    ("variable", "value", "key", "reason"),
    [
        ("CASEWORK_ORGANIZATION__LOGO", "/nowhere/logo.png", "organization.logo", "no such"),
        ("CASEWORK_ORGANIZATION__LOGO", "logo.gif", "organization.logo", "PNG, JPEG or SVG"),
        ("CASEWORK_ORGANIZATION__EMAIL", "plaintes", "organization.email", "not an email"),
        ("CASEWORK_ORGANIZATION__SALUTATION", "cher", "organization.salutation", "title"),
        ("CASEWORK_ORGANIZATION__TEMPLATES", "/nowhere", "organization.templates", "no such"),
        ("CASEWORK_ORGANIZATION__NAME", "", "organization.name", "at least 1"),
    ],
)
def test_a_bad_organization_setting_stops_casework_naming_the_key(
    tmp_path, variable, value, key, reason
):
    result = casework("config", "show", env={variable: value}, cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert key in line and reason in line


def test_the_defaults_are_those_of_the_service_declaration():
    organization = OrganizationSettings()
    assert organization.name == "Secrétariat du Conseil du trésor"
    assert organization.address == "875, Grande Allée Est\nQuébec (Québec)  G1R 5R8"
    assert (organization.telephone, organization.toll_free) == ("418 643-1529", "1 866 552-5158")


def test_a_body_signs_with_its_name_logo_and_own_answer_template(ctx, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (10, 60, 120)).save(logo)
    templates = tmp_path / "lettres"
    templates.mkdir()
    (templates / "answer.txt").write_text(
        '{{ _("Here is our answer to %(what)s of %(day)s.", what=request_noun, '
        "day=received_on|day) }}\n\n{{ answer }}\n\nLa direction vous remercie de votre "
        "confiance.\n",
        encoding="utf-8",
    )
    ctx.settings = ctx.settings.model_copy(
        update={
            "organization": OrganizationSettings(
                name="Ministère de l'Exemple",
                signatory_name="Lucie Martin",
                logo=logo,
                templates=templates,
                website=None,
            )
        }
    )
    case = letter_of_18_december(ctx)
    fire(ctx, case, "answer", 2027, 1, 12, 14, 0, answer_summary="Votre plainte est fondée.")
    (letter,) = letters.for_case(
        ctx, actor=OFFICER, interface="api", reference=case.reference
    ).letters
    full = letters.get(
        ctx, actor=OFFICER, interface="api", reference=case.reference, letter_id=letter.id
    )[1]
    assert full.text_body.startswith("Ministère de l'Exemple\nBureau des plaintes\n")
    assert "Votre plainte est fondée.\n\nLa direction vous remercie de votre confiance." in (
        full.text_body
    )
    assert "Protecteur du citoyen" not in full.text_body  # the body's template leaves it out
    assert "\n\nLucie Martin\nResponsable des plaintes\n" in full.text_body
    assert "www.tresor.gouv.qc.ca" not in full.text_body
    assert 'src="data:image/png;base64,' in full.html_body
    page = PdfReader(BytesIO(full.pdf)).pages[0]
    assert len(page.images) == 1
