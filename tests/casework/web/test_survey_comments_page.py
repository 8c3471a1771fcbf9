"""The officers' list of the survey's comments, where a comment that is itself a complaint becomes
a new case (issue 15), in a real browser on the demo data."""

from datetime import date

from casework.db import unit_of_work
from casework.models import SurveyComment
from casework.services import cases
from casework.services.door import CASEWORK
from tests.casework.web.conftest import NOW, login, look


def test_an_officer_turns_a_survey_comment_into_a_complaint_and_an_agent_may_not_see_them(
    page, server
):
    with unit_of_work(server.ctx.engine) as session:
        session.add(
            SurveyComment(
                text="Le préposé m’a raccroché au nez.",
                kind="information_request",
                answered_on=date(2026, 11, 20),
                source="citizen_web",
                created_at=NOW,
            )
        )
    login(page, "responsable")
    page.goto("/reports/survey/comments")
    assert "Le préposé m’a raccroché au nez." in page.locator("main").inner_text()
    look(page, "survey-comments")
    page.get_by_role("button", name="En faire une plainte").click()
    page.wait_for_load_state()

    notice = page.locator("p.notice").inner_text()
    reference = notice.split()[2]
    assert reference.startswith("PLT-2026-")
    case = cases.get(server.ctx, actor=CASEWORK, interface="scheduler", reference=reference).case
    assert (case.description, case.channel) == ("Le préposé m’a raccroché au nez.", "web_form")
    assert reference in page.locator("table").inner_text()  # the button gave way to the case


def test_an_agent_is_refused_the_survey_comments(page, server):
    login(page, "agent")
    answer = page.goto("/reports/survey/comments")
    assert answer.status == 403
