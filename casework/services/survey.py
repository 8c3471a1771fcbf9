"""The satisfaction survey's answers: recorded by officers (a call, a paper questionnaire) or
imported from a survey run outside casework, one row per respondent and aspect.

DESIGN §2.6 and §2.8: the survey measures the declaration's aspects on its four-point scale
(« très satisfait », « plutôt satisfait », « plutôt insatisfait », « très insatisfait ») plus
« ne s'applique pas». The answers are kept apart from the requester's identity: a row names the
service, the aspect, the rating, the day and where it came from, at most the case it follows,
never a person. An import is all or nothing: a file with one bad row writes no row.
"""

import csv
import io
import secrets
from datetime import date

from pydantic import ValidationError

from casework.context import Actor, AppContext
from casework.db import unit_of_work
from casework.i18n import N_
from casework.repositories import accountability as repo
from casework.schemas import SurveyAnswerIn
from casework.security import policy
from casework.services.errors import InvalidInput
from workflows.accountability import Rating, SurveySource

COLUMNS = ("respondent", "answered_on", "service", "aspect", "rating")
OPTIONAL_COLUMNS = ("case_reference",)
MAX_ROWS = 100_000
# What a file may say for each rating: the code, the scale's number (4 = très satisfait) or the
# French or English words.
RATING_WORDS: dict[str, Rating] = {
    "4": Rating.VERY_SATISFIED,
    "3": Rating.SOMEWHAT_SATISFIED,
    "2": Rating.SOMEWHAT_DISSATISFIED,
    "1": Rating.VERY_DISSATISFIED,
    "na": Rating.NOT_APPLICABLE,
    "n/a": Rating.NOT_APPLICABLE,
    "très satisfait": Rating.VERY_SATISFIED,
    "plutôt satisfait": Rating.SOMEWHAT_SATISFIED,
    "plutôt insatisfait": Rating.SOMEWHAT_DISSATISFIED,
    "très insatisfait": Rating.VERY_DISSATISFIED,
    "ne s'applique pas": Rating.NOT_APPLICABLE,
    "ne s’applique pas": Rating.NOT_APPLICABLE,
    **{rating.value: rating for rating in Rating},
}


def _check_codes(ctx: AppContext, answer: SurveyAnswerIn, *, line: int) -> None:
    config = ctx.settings.accountability
    for field, list_name in (("service", "services"), ("aspect", "aspects")):
        value = getattr(answer, field)
        if value not in config.codes(list_name):
            raise InvalidInput(
                N_("Row %(line)s: “%(value)s” is not on the list of %(field_name)s."),
                field=field,
                line=line,
                value=value,
                field_name=list_name,
            )


def _write(
    ctx: AppContext, *, actor: Actor, answers: list[tuple[int, SurveyAnswerIn]], batch: str | None
) -> int:
    now = ctx.now()
    today = ctx.today()
    for line, answer in answers:
        _check_codes(ctx, answer, line=line)
        if answer.answered_on > today:
            raise InvalidInput(
                N_("Row %(line)s: The answer date cannot be in the future."),
                field="answered_on",
                line=line,
            )
    with unit_of_work(ctx.engine) as session:
        wanted = {a.case_reference for _, a in answers if a.case_reference}
        cases = repo.case_ids_by_reference(session, wanted)
        rows = []
        for line, answer in answers:
            case_id, kind = None, None
            if answer.case_reference:
                if answer.case_reference not in cases:
                    raise InvalidInput(
                        N_("Row %(line)s: No case has the reference %(reference)s."),
                        field="case_reference",
                        line=line,
                        reference=answer.case_reference,
                    )
                case_id, kind = cases[answer.case_reference]
            rows.append(
                {
                    "case_id": case_id,
                    "kind": kind,
                    "service": answer.service,
                    "aspect": answer.aspect,
                    "rating": answer.rating.value,
                    "answered_on": answer.answered_on,
                    "source": answer.source.value,
                    "respondent": answer.respondent,
                    "batch": batch,
                    "created_by": actor.label,
                    "created_at": now,
                }
            )
        repo.add_answers(session, rows)
    return len(rows)


def record(ctx: AppContext, *, actor: Actor, answers: list[SurveyAnswerIn]) -> int:
    """Record survey answers taken by an officer (a call, a paper questionnaire)."""
    policy.check(actor, "survey.record")
    return _write(
        ctx,
        actor=actor,
        answers=list(enumerate(answers, start=1)),
        batch=None,
    )


def import_csv(ctx: AppContext, *, actor: Actor, content: bytes) -> tuple[str, int]:
    """Import a survey's results (CSV, UTF-8, one row per respondent and aspect); return the
    batch name and the number of answers written."""
    policy.check(actor, "survey.record")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(N_("The file is not UTF-8 text."), field="file") from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in reader.fieldnames or ()]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise InvalidInput(
            N_("The file lacks the columns %(columns)s (expected: %(expected)s)."),
            field="file",
            columns=", ".join(missing),
            expected=", ".join(COLUMNS + OPTIONAL_COLUMNS),
        )
    reader.fieldnames = header
    answers = []
    for line, raw in enumerate(reader, start=2):
        if len(answers) >= MAX_ROWS:
            raise InvalidInput(
                N_("A file holds at most %(max)s answers."), field="file", max=MAX_ROWS
            )
        values = {k: (v or "").strip() for k, v in raw.items() if k in COLUMNS + OPTIONAL_COLUMNS}
        rating = RATING_WORDS.get(values.get("rating", "").lower())
        if rating is None:
            raise InvalidInput(
                N_("Row %(line)s: “%(value)s” is not a rating of the scale (4, 3, 2, 1 or na)."),
                field="rating",
                line=line,
                value=values.get("rating", ""),
            )
        try:
            answer = SurveyAnswerIn(
                service=values["service"],
                aspect=values["aspect"],
                rating=rating,
                answered_on=date.fromisoformat(values["answered_on"]),
                source=SurveySource.IMPORT,
                respondent=values["respondent"] or None,
                case_reference=values.get("case_reference") or None,
            )
        except (ValidationError, ValueError) as exc:
            field = "answered_on"
            if isinstance(exc, ValidationError):
                field = str(exc.errors()[0]["loc"][0])
            raise InvalidInput(
                N_("Row %(line)s: The value of %(field_name)s is not valid."),
                field=field,
                line=line,
                field_name=field,
            ) from None
        answers.append((line, answer))
    if not answers:
        raise InvalidInput(N_("The file holds no answer."), field="file")
    batch = f"import-{ctx.today().isoformat()}-{secrets.token_hex(4)}"
    return batch, _write(ctx, actor=actor, answers=answers, batch=batch)
