"""The satisfaction survey the person answers after their case is closed.

Issue 15: "when a case is closed (after a configurable delay, in office hours), the person
receives by email, or by mail as a letter with the link printed, an invitation to a short survey
on the declaration's aspects [...] each on the survey's four-point scale plus « ne s'applique
pas », and a free comment. One answer per case (a second use of the link shows the thanks page)
[...]. Answers are stored apart from the requester's identity once submitted (the statistics do
not need it), and a comment that is itself a complaint can be turned into a new case by an
officer." Settings `[survey]`: the kinds surveyed, the delay and the one reminder.

- Who is invited: a case of a surveyed kind, closed `survey.delay_days` business days ago or more
  (and at most `survey.lookback_days` ago), whose requester gave an email address or a postal
  address. The invitation's row (one per case, its key) is inserted with the invitation itself:
  two schedulers never send it twice. Nothing goes out outside office hours.
- The reminder: one email, `survey.reminder_days` business days after the invitation, while the
  survey is not answered; a letter is not reminded.
- The answers are survey_answers rows of source `citizen_web` and a survey_comments row: the
  aspect, the rating, the day, the case they follow; no name, no contact details.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import N_, format_day, gettext, normalize_language
from casework.models import (
    Case,
    CaseClassification,
    MessageChannel,
    PortalToken,
    Requester,
    SurveyAnswer,
    SurveyComment,
    SurveyInvitation,
    TokenPurpose,
)
from casework.schemas import CaseCreate, Channel, clean_text
from casework.security import policy
from casework.services import cases as case_service
from casework.services import letters as letters_service
from casework.services import public
from casework.services.errors import InvalidInput, NotFound
from notifications import outbox
from notifications.delivery import in_office_hours
from notifications.outbox import NewMessage
from workflows.accountability import Rating, SurveySource
from workflows.case_flow import CaseState
from workflows.deadlines import CaseKind

SURVEYOR = Actor(label="system:survey")
MAX_COMMENT = 5000
INVITATION = "survey_invitation"


def survey_url(ctx: AppContext, token: str) -> str:
    return public.public_url(ctx, f"{ctx.settings.public.survey_path}/{token}")


@dataclass
class InvitationReport:
    invited: int = 0
    reminded: int = 0
    outside_office_hours: bool = False


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _claim(session: Session, *, case_id: int, channel: str, now: datetime) -> bool:
    """Insert the invitation's row; False when another run already did."""
    table = SurveyInvitation.__table__  # type: ignore[attr-defined]
    statement = (
        _insert(session)(table)
        .values(case_id=case_id, channel=channel, sent_at=now)
        .on_conflict_do_nothing(index_elements=["case_id"])
        .returning(table.c.case_id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def _email(
    ctx: AppContext, session: Session, case: Case, requester: Requester, *, link: str, now, key: str
) -> None:
    language = normalize_language(requester.language)
    organization = ctx.settings.organization
    service = organization.service if language == "fr" else organization.service_en
    lines = [
        gettext(N_("Hello,"), language),
        "",
        gettext(
            N_(
                "Your file %(reference)s is closed. Would you tell us, in two minutes, how we "
                "served you? Your answers are kept apart from your name."
            ),
            language,
            reference=case.reference,
        ),
        "",
        link,
        "",
        service,
        organization.email,
    ]
    outbox.enqueue(
        session,
        message=NewMessage(
            kind=INVITATION,
            channel=MessageChannel.EMAIL.value,
            language=language,
            subject=gettext(
                N_("How did we serve you? (%(reference)s)"), language, reference=case.reference
            ),
            text_body="\n".join(lines),
            recipient=requester.email,
            case_id=case.id,
            dedup_key=key,
        ),
        now=now,
    )


def invite_due(ctx: AppContext, *, worker: str) -> InvitationReport:
    """Send the invitations and the reminders that are due (in office hours only)."""
    report = InvitationReport()
    now = ctx.now()
    if not in_office_hours(ctx, now):
        report.outside_office_hours = True
        return report
    config = ctx.settings.survey
    today = ctx.today()
    calendar = ctx.calendar
    earliest = now - timedelta(days=config.lookback_days)
    kinds = [kind.value for kind in config.kinds]
    with read_session(ctx.engine) as session:
        candidates = session.execute(
            select(Case.id, Case.closed_at)
            .outerjoin(SurveyInvitation, SurveyInvitation.case_id == Case.id)
            .where(
                Case.status == CaseState.CLOSED.value,
                Case.kind.in_(kinds),
                Case.closed_at >= earliest,
                Case.requester_id.is_not(None),
                SurveyInvitation.case_id.is_(None),
            )
        ).all()
    for case_id, closed_at in candidates:
        closed_on = closed_at.astimezone(ctx.tz).date()
        if calendar.add_business_days(closed_on, config.delay_days) > today:
            continue
        with unit_of_work(ctx.engine) as session:
            case = session.get(Case, case_id)
            requester = session.get(Requester, case.requester_id)
            if requester is None or not (requester.email or requester.postal_address):
                continue
            by_email = bool(requester.email) and not requester.by_mail
            channel = "email" if by_email else "mail"
            if not _claim(session, case_id=case.id, channel=channel, now=now):
                continue
            token = public.issue_token(
                session, case_id=case.id, purpose=TokenPurpose.SURVEY, now=now
            )
            link = survey_url(ctx, token)
            if by_email:
                _email(ctx, session, case, requester, link=link, now=now, key=f"survey:{case.id}")
            else:
                letters_service.issue(
                    ctx,
                    session,
                    case,
                    kind=INVITATION,
                    actor=SURVEYOR,
                    now=now,
                    today=today,
                    survey_link=link,
                )
            report.invited += 1
    if config.reminder_days:
        report.reminded = _remind(ctx, now=now, today=today, earliest=earliest)
    return report


def _remind(ctx: AppContext, *, now: datetime, today, earliest: datetime) -> int:
    """Send the one reminder of the email invitations not answered."""
    config = ctx.settings.survey
    answered = select(PortalToken.case_id).where(
        PortalToken.purpose == TokenPurpose.SURVEY.value, PortalToken.used_at.is_not(None)
    )
    with read_session(ctx.engine) as session:
        rows = session.execute(
            select(SurveyInvitation.case_id, SurveyInvitation.sent_at).where(
                SurveyInvitation.channel == "email",
                SurveyInvitation.reminded_at.is_(None),
                SurveyInvitation.sent_at >= earliest,
                SurveyInvitation.case_id.not_in(answered),
            )
        ).all()
    reminded = 0
    for case_id, sent_at in rows:
        sent_on = sent_at.astimezone(ctx.tz).date()
        if ctx.calendar.add_business_days(sent_on, config.reminder_days) > today:
            continue
        with unit_of_work(ctx.engine) as session:
            claimed = session.execute(
                update(SurveyInvitation)
                .where(SurveyInvitation.case_id == case_id, SurveyInvitation.reminded_at.is_(None))
                .values(reminded_at=now)
            ).rowcount
            if not claimed:
                continue
            case = session.get(Case, case_id)
            requester = session.get(Requester, case.requester_id) if case.requester_id else None
            if requester is None or not requester.email:
                continue
            token = public.issue_token(
                session, case_id=case.id, purpose=TokenPurpose.SURVEY, now=now
            )
            _email(
                ctx,
                session,
                case,
                requester,
                link=survey_url(ctx, token),
                now=now,
                key=f"survey-reminder:{case.id}",
            )
            reminded += 1
    return reminded


# -- answering --------------------------------------------------------------------------------


@dataclass
class OpenSurvey:
    reference: str
    answered: bool


def _answered(session: Session, case_id: int) -> bool:
    return (
        session.execute(
            select(PortalToken.id).where(
                PortalToken.case_id == case_id,
                PortalToken.purpose == TokenPurpose.SURVEY.value,
                PortalToken.used_at.is_not(None),
            )
        ).first()
        is not None
    )


def open_survey(ctx: AppContext, *, token: str, address: str) -> OpenSurvey:
    """Return the survey a link opens, and whether its case already answered it."""
    with read_session(ctx.engine) as session:
        _, case = public.find_link(
            ctx, session, token=token, purpose=TokenPurpose.SURVEY, address=address
        )
        return OpenSurvey(reference=case.reference, answered=_answered(session, case.id))


def answer(
    ctx: AppContext, *, token: str, address: str, ratings: dict[str, str], comment: str
) -> bool:
    """Record one answer to the survey of a case; False when the case had already answered
    (nothing is written again)."""
    config = ctx.settings.survey
    values: dict[str, Rating] = {}
    for aspect in config.aspects:
        try:
            values[aspect] = Rating(ratings.get(aspect) or "")
        except ValueError:
            raise InvalidInput(
                N_("Choose an answer for each question."), field=f"aspect_{aspect}"
            ) from None
    comment = clean_text(comment or "")
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(
            N_("A comment has at most %(n)s characters."), field="comment", n=MAX_COMMENT
        )
    now = ctx.now()
    today = ctx.today()
    with unit_of_work(ctx.engine) as session:
        _, case = public.find_link(
            ctx, session, token=token, purpose=TokenPurpose.SURVEY, address=address
        )
        case = session.execute(
            select(Case).where(Case.id == case.id).with_for_update()
        ).scalar_one()
        if _answered(session, case.id):
            return False
        classification = session.get(CaseClassification, case.id)
        service = (
            classification.service
            if classification is not None and classification.service
            else config.default_service
        )
        for aspect, rating in values.items():
            session.add(
                SurveyAnswer(
                    case_id=case.id,
                    kind=case.kind,
                    service=service,
                    aspect=aspect,
                    rating=rating.value,
                    answered_on=today,
                    source=SurveySource.CITIZEN_WEB.value,
                    created_by=SURVEYOR.label,
                    created_at=now,
                )
            )
        if comment:
            session.add(
                SurveyComment(
                    case_id=case.id,
                    kind=case.kind,
                    text=comment,
                    answered_on=today,
                    source=SurveySource.CITIZEN_WEB.value,
                    created_at=now,
                )
            )
        session.execute(
            update(PortalToken)
            .where(PortalToken.case_id == case.id, PortalToken.purpose == TokenPurpose.SURVEY.value)
            .values(used_at=now)
        )
    return True


# -- the officers' side -----------------------------------------------------------------------


def comments(ctx: AppContext, *, actor: Actor, limit: int = 200) -> list[SurveyComment]:
    """Return the survey's comments, newest first (officers)."""
    policy.check(actor, "survey.record")
    with read_session(ctx.engine) as session:
        return list(
            session.execute(
                select(SurveyComment).order_by(SurveyComment.id.desc()).limit(limit)
            ).scalars()
        )


def comment_to_case(ctx: AppContext, *, actor: Actor, comment_id: int) -> str:
    """Register a new complaint from a survey comment that is itself one; return its
    reference. The new case carries the comment, not the respondent's identity."""
    policy.check(actor, "survey.record")
    now = ctx.now()
    with unit_of_work(ctx.engine) as session:
        comment = session.execute(
            select(SurveyComment).where(SurveyComment.id == comment_id).with_for_update()
        ).scalar_one_or_none()
        if comment is None:
            raise NotFound(N_("No survey comment has the id %(id)s."), id=comment_id)
        if comment.new_case_reference:
            return comment.new_case_reference
        language = ctx.settings.i18n.default_language
        view = case_service.register(
            ctx,
            session,
            actor=actor,
            data=CaseCreate(
                kind=CaseKind.COMPLAINT,
                channel=Channel.WEB_FORM,
                subject=gettext(
                    N_("Complaint made in the satisfaction survey of %(day)s"),
                    language,
                    day=format_day(comment.answered_on, language),
                ),
                description=comment.text,
                received_at=comment.created_at.astimezone(UTC),
            ),
            now=now,
        )
        comment.new_case_reference = view.case.reference
        session.add(comment)
        return view.case.reference
