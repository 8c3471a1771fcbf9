"""Demonstration data: a few dozen realistic cases in every state, some overdue, some at risk.

Loaded by `casework demo load` (and `make run`); loading twice changes nothing.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from casework.context import Actor, AppContext, FixedClock
from casework.models import Case, User
from casework.models.users import Role
from casework.schemas import CaseCreate, ClassificationIn, TransitionIn
from casework.security.passwords import hash_password
from casework.services import cases as service

SUBJECTS = [
    ("complaint", "Délai de traitement d’une demande de permis de construction"),
    ("complaint", "Accueil jugé discourtois au comptoir de service"),
    ("complaint", "Facture contestée pour des frais d’inscription"),
    ("complaint", "Réponse incomplète à une demande d’aide financière"),
    ("complaint", "Bruit des travaux de voirie la nuit"),
    ("complaint", "Dossier transféré sans préavis à une autre direction"),
    ("complaint", "Refus d’accommodement pour une personne handicapée"),
    ("complaint", "Attente téléphonique de plus de deux heures"),
    ("information_request", "Critères d’admissibilité au programme de subvention"),
    ("information_request", "Calendrier des séances d’information régionales"),
    ("information_request", "Documents requis pour le renouvellement d’une licence"),
    ("media_request", "Demande d’entrevue sur les délais de traitement"),
    ("media_request", "Statistiques sur les plaintes reçues en 2026"),
    ("supplier_complaint", "Conditions de l’appel d’offres sur invitation AO-2026-117"),
    ("supplier_complaint", "Critère d’évaluation jugé restrictif dans l’appel d’offres public"),
    ("comment", "Suggestion d’ajouter un formulaire en ligne"),
    ("comment", "Remerciements pour la qualité du service reçu"),
]
PEOPLE = [
    ("Marie Tremblay", "marie.tremblay@example.org"),
    ("Jean-François Gagnon", "jf.gagnon@example.org"),
    ("Sophie Roy", None),
    ("Mohamed Benali", "m.benali@example.org"),
    ("Nathalie Côté", "nathalie.cote@example.org"),
    ("Pierre Bouchard", None),
    ("Linh Nguyen", "linh.nguyen@example.org"),
    ("Émilie Gauthier", "emilie.gauthier@example.org"),
]
CHANNELS = ["letter", "email", "email", "web_form", "phone", "in_person"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    password: str


DEMO_USERS = (
    DemoUser("admin", "Administratrice Démo", Role.ADMIN, "demo-admin"),
    DemoUser(
        "responsable", "Julie Lavoie (responsable des plaintes)", Role.OFFICER, "demo-responsable"
    ),
    DemoUser("agent", "Marc Pelletier (agent)", Role.AGENT, "demo-agent"),
    DemoUser("agente", "Chloé Morin (agente)", Role.AGENT, "demo-agente"),
    DemoUser(
        "superviseure", "Isabelle Fortin (superviseure)", Role.SUPERVISOR, "demo-superviseure"
    ),
)

# (path of triggers, how many days ago it was received)
SCENARIOS = [
    ([], 2),
    ([], 5),
    ([], 12),  # acknowledgment at risk
    ([], 20),  # acknowledgment overdue
    ([], 30),
    (["acknowledge"], 8),
    (["acknowledge"], 18),
    (["acknowledge"], 26),  # answer at risk
    (["acknowledge"], 40),  # answer overdue
    (["acknowledge"], 55),
    (["acknowledge", "request_information"], 15),
    (["acknowledge", "request_information", "resume"], 35),
    (["answer"], 6),
    (["acknowledge", "answer"], 25),
    (["acknowledge", "answer", "close"], 45),
    (["acknowledge", "answer", "close"], 60),
    (["acknowledge", "answer", "escalate"], 70),
    (["escalate"], 10),
    (["acknowledge", "close"], 22),
    (["acknowledge", "answer", "close", "reopen"], 50),
]


def _request(trigger: str, version: int, today, rng: random.Random) -> TransitionIn:
    return TransitionIn(
        trigger=trigger,
        version=version,
        comment="Copie de la décision contestée demandée à la personne."
        if trigger == "request_information"
        else None,
        answer_summary="Réponse écrite transmise; les faits ont été vérifiés."
        if trigger == "answer"
        else None,
        protecteur_file_number=f"PC-{today.year}-{rng.randint(1000, 9999)}"
        if trigger == "escalate"
        else None,
        escalated_on=today if trigger == "escalate" else None,
        protecteur_reply_due_on=today + timedelta(days=30) if trigger == "escalate" else None,
        outcome=("withdrawn" if trigger == "close" and version <= 2 else "founded")
        if trigger == "close"
        else None,
        reason="La personne a fourni un nouvel élément." if trigger == "reopen" else None,
        classification=ClassificationIn(
            service=rng.choice(("support_advice", "reference_documents", "statistics")),
            commitment=rng.choice(("diligence", "clarity", "courtesy")),
            root_cause=rng.choice(("delay", "information", "communication")),
            remedy=rng.choice(("explanation", "apology", "correction")),
        )
        if trigger == "close"
        else None,
    )


def load(ctx: AppContext) -> tuple[int, list[DemoUser]]:
    """Create the demo users and cases unless there are cases already; return what was made."""
    with Session(ctx.engine) as session:
        if session.execute(select(func.count(Case.id))).scalar_one():
            return 0, []
    users = _ensure_users(ctx)
    rng = random.Random(2026)
    now = ctx.now()
    made = 0
    plans = []
    for round_ in range(2):
        for index, (path, days_ago) in enumerate(SCENARIOS):
            received = (now - timedelta(days=days_ago + round_ * 3)).astimezone(ctx.tz)
            received = datetime.combine(received.date(), time(9 + index % 7, 15), ctx.tz)
            plans.append((received, index + round_ * 7, path, days_ago))
    # Oldest first, so that reference numbers follow the order of receipt.
    for received, index, path, days_ago in sorted(plans, key=lambda plan: plan[0]):
        kind, subject = SUBJECTS[index % len(SUBJECTS)]
        name, email = PEOPLE[index % len(PEOPLE)]
        clock = FixedClock(received + timedelta(minutes=5))
        local = ctx.with_clock(clock)
        officer = Actor(label="user:responsable", user_id=users["responsable"], role="officer")
        case = service.open_case(
            local,
            actor=officer,
            interface="cli",
            data=CaseCreate(
                kind=kind,
                channel=rng.choice(CHANNELS),
                subject=subject,
                description=(
                    "Texte reçu de la personne (données de démonstration). "
                    "Elle demande une révision de la décision et une réponse écrite."
                ),
                received_at=received,
                priority=rng.choice(["normal", "normal", "high", "low"]),
                facts_known_on=received.date() - timedelta(days=rng.randint(5, 500)),
                requester={"name": name, "email": email, "language": "fr"},
                assignee_id=rng.choice([None, users["agent"], users["agente"]]),
            ),
        ).case
        step = max(1, days_ago // (len(path) + 1))
        for trigger in path:
            clock.current = min(clock.current + timedelta(days=step), now)
            case = service.fire(
                local,
                actor=officer,
                interface="cli",
                reference=case.reference,
                request=_request(trigger, case.version, local.today(), rng),
            ).case
        made += 1
    _survey_answers(ctx, rng, users)
    return made, list(DEMO_USERS)


def _survey_answers(ctx: AppContext, rng: random.Random, users: dict[str, int]) -> None:
    """Record the answers of a small demo survey on the support and advice service."""
    from casework.schemas import SurveyAnswerIn
    from casework.services import survey

    officer = Actor(label="user:responsable", user_id=users["responsable"], role="officer")
    answers = []
    for respondent in range(1, 36):
        for aspect in ("access_to_staff", "courtesy", "clarity_of_language", "response_time"):
            answers.append(
                SurveyAnswerIn(
                    service="support_advice",
                    aspect=aspect,
                    rating=rng.choices(
                        [
                            "very_satisfied",
                            "somewhat_satisfied",
                            "somewhat_dissatisfied",
                            "very_dissatisfied",
                            "not_applicable",
                        ],
                        weights=[55, 33, 7, 2, 3],
                    )[0],
                    answered_on=ctx.today() - timedelta(days=rng.randint(1, 200)),
                    source="paper",
                    respondent=f"Q-{respondent:03d}",
                )
            )
    survey.record(ctx, actor=officer, answers=answers)


def _ensure_users(ctx: AppContext) -> dict[str, int]:
    ids = {}
    with Session(ctx.engine) as session:
        for demo in DEMO_USERS:
            user = session.execute(
                select(User).where(User.username == demo.username)
            ).scalar_one_or_none()
            if user is None:
                user = User(
                    username=demo.username,
                    full_name=demo.full_name,
                    email=f"{demo.username}@example.qc.ca",
                    role=demo.role.value,
                    language="fr",
                    created_at=ctx.now(),
                )
                session.add(user)
                session.flush()
            if user.password_hash is None:
                # Demo logins only: real accounts get their password through the users service,
                # which also enforces the minimum length.
                user.password_hash = hash_password(ctx.settings.security, demo.password)
            ids[demo.username] = user.id
        session.commit()
    return ids
