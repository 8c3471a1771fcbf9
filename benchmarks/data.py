"""Fill a migrated database with realistic cases, quickly, for the benchmarks.

Run: .venv/bin/python -m benchmarks.data --cases 1000000 --url sqlite:///var/bench.db
     (the database must be migrated, `casework db upgrade`, and hold no case yet)

What it builds, over the five years ending today (receipts spread evenly, in office hours):
- N cases of every kind and channel, each with its own requester (French names; about one
  person in eight writes again, under the same name, email and telephone);
- the deadlines the configured calendar and policies give (DESIGN §2.3), the acknowledgment
  of written requests, most of them on time and some late;
- every state: recent cases are mostly open (received, acknowledged, awaiting the requester,
  answered, escalated), older ones mostly closed, and a tail of old open cases that are overdue;
- about four events per case (creation, assignment, acknowledgment, pause and resumption,
  answer, escalation, closing), a pause row for each case awaiting its requester;
- about sixty staff accounts (without passwords) to whom the cases are assigned.

Rows go in with bulk inserts (COPY on PostgreSQL, executemany on SQLite) in chunks, with the
reference counters set at the end so that new cases continue the sequences; then ANALYZE.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func, select, text

from casework.config import DatabaseSettings, Settings
from casework.context import shared_calendar
from casework.db import make_engine
from casework.models import Case, CaseEvent, CasePause, ReferenceCounter, Requester, User
from casework.schemas import PREFIXES, WRITTEN_CHANNELS
from workflows.accountability import people_who_handled
from workflows.case_clock import Step, derive
from workflows.deadlines import CaseKind, Delay, KindPolicy, due_date

YEARS = 5
CHUNK = 20_000

FIRST_NAMES = [
    "Marie",
    "Jean",
    "Louise",
    "Pierre",
    "Nathalie",
    "François",
    "Sophie",
    "Michel",
    "Isabelle",
    "Sylvain",
    "Geneviève",
    "Éric",
    "Catherine",
    "Stéphane",
    "Julie",
    "Benoît",
    "Mélanie",
    "Réjean",
    "Josée",
    "Gaétan",
    "Chloé",
    "Mathieu",
    "Émilie",
    "Olivier",
    "Andrée",
    "Félix",
    "Léa",
    "Hélène",
    "Jérôme",
    "Noémie",
    "Gilles",
    "Maude",
    "Frédéric",
    "Claudette",
    "Étienne",
    "Amélie",
    "Denis",
    "Annie",
    "Luc",
    "Valérie",
    "Raymond",
    "Ginette",
    "Patrice",
    "Lyne",
    "André",
    "Élise",
    "Yves",
    "Océane",
    "Gabriel",
    "Zoé",
]
LAST_NAMES = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
    "Caron",
    "Beaulieu",
    "Cloutier",
    "Dubé",
    "Poirier",
    "Fournier",
    "Lapointe",
    "Leclerc",
    "Lefebvre",
    "Poulin",
    "Thibault",
    "St-Pierre",
    "Nadeau",
    "Martin",
    "Landry",
    "Martel",
    "Bédard",
    "Grenier",
    "Lessard",
    "Bernier",
    "Richard",
    "Michaud",
    "Hébert",
    "Desjardins",
    "Couture",
    "Turcotte",
    "Lachance",
    "Parent",
    "Blais",
    "Gosselin",
    "Savard",
    "Proulx",
    "Beaudoin",
    "Demers",
    "Perron",
    "Boudreau",
    "Bérubé",
    "Désilets",
    "Chénier",
    "Thériault",
]
SUBJECTS = (
    "Délai de traitement de ma demande de prestation",
    "Accueil au comptoir du bureau régional",
    "Renseignements sur l'admissibilité au programme",
    "Erreur dans le calcul de mon remboursement",
    "Plainte sur la courtoisie d'un préposé",
    "Demande de copie de mon dossier",
    "Attente téléphonique trop longue",
    "Formulaire en ligne inaccessible",
    "Contestation d'une décision de refus",
    "Question d'un journaliste sur les délais moyens",
    "Appel d'offres : critères d'évaluation contestés",
    "Commentaire sur la clarté des lettres reçues",
    "Changement d'adresse non pris en compte",
    "Rendez-vous annulé sans préavis",
    "Information sur les heures d'ouverture pendant les fêtes",
    "Lettre reçue en anglais au lieu du français",
)
DESCRIPTIONS = (
    "J'ai écrit il y a plusieurs semaines et je n'ai reçu aucune réponse à ce jour.",
    "Je souhaite obtenir des précisions sur la décision rendue dans mon dossier.",
    "Le préposé a été impoli et ne m'a pas donné l'information demandée.",
    "Le montant versé ne correspond pas à celui indiqué dans l'avis précédent.",
    "Pourriez-vous m'indiquer la marche à suivre et les documents à fournir?",
)
# (kind, share) and (channel, share): what a ministry's complaints office receives.
KINDS = (
    (CaseKind.COMPLAINT, 55),
    (CaseKind.INFORMATION_REQUEST, 28),
    (CaseKind.COMMENT, 8),
    (CaseKind.MEDIA_REQUEST, 5),
    (CaseKind.SUPPLIER_COMPLAINT, 4),
)
CHANNELS = (("email", 42), ("web_form", 18), ("letter", 15), ("phone", 20), ("in_person", 5))
ANSWERED_OUTCOMES = ("founded", "partly_founded", "unfounded")
UNANSWERED_OUTCOMES = ("withdrawn", "redirected", "no_follow_up")
STAFF = (("officer", 6), ("supervisor", 3), ("agent", 48), ("admin", 2))


def _weighted(pairs) -> list:
    return [value for value, weight in pairs for _ in range(weight)]


@dataclass
class Plan:
    """What the loader decided, kept for the summary and for the tests."""

    cases: int = 0
    requesters: int = 0
    events: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


class Loader:
    """Generate cases chunk by chunk and write them with the database's fastest bulk insert."""

    def __init__(self, engine: Engine, settings: Settings, *, today: date, seed: int) -> None:
        self.engine = engine
        self.settings = settings
        self.today = today
        self.tz = settings.calendar.zone
        self.calendar = shared_calendar(settings)
        self.random = random.Random(seed)
        self.plan = Plan()
        self.counters: dict[tuple[str, int], int] = {}
        self.policies = {kind: settings.deadlines.for_kind(kind.value) for kind, _share in KINDS}
        self.kinds = _weighted(KINDS)
        self.channels = _weighted(CHANNELS)
        self._due: dict[tuple[date, int, str], date] = {}
        self._business: dict[tuple[date, int], date] = {}
        self.people: list[tuple[str, str, str]] = []

    # -- dates ---------------------------------------------------------------------------

    def due(self, received_on: date, days: int, unit: str) -> date:
        """Return the due date of a delay counted from a local receipt date (memoized)."""
        key = (received_on, days, unit)
        found = self._due.get(key)
        if found is None:
            from workflows.deadlines import Delay

            moment = datetime.combine(received_on, datetime.min.time().replace(hour=12), self.tz)
            found = self._due[key] = due_date(
                self.calendar, received_at=moment, delay=Delay(days, unit), tz=self.tz
            )
        return found

    def business(self, day: date, n: int) -> date:
        """Return the n-th business day after a day (memoized)."""
        key = (day, n)
        found = self._business.get(key)
        if found is None:
            found = self._business[key] = self.calendar.add_business_days(day, n)
        return found

    def moment(self, day: date) -> datetime:
        """Return an aware UTC instant in office hours on a local day."""
        minutes = self.random.randrange(8 * 60 + 30, 16 * 60 + 30)
        local = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=self.tz)
        return local.astimezone(UTC)

    # -- generation ----------------------------------------------------------------------

    def person(self) -> tuple[str, str, str]:
        """Return a requester (name, email, telephone); about one in eight writes again."""
        rnd = self.random
        if self.people and rnd.random() < 0.125:
            return rnd.choice(self.people)
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
        handle = f"{first}.{last}".lower().translate(_ASCII)
        person = (
            f"{first} {last}",
            f"{handle}{rnd.randrange(1, 999)}@{rnd.choice(_DOMAINS)}",
            f"{rnd.choice(('418', '438', '450', '514', '581', '819'))}-555-"
            f"{rnd.randrange(10000):04d}",
        )
        if len(self.people) < 200_000:
            self.people.append(person)
        return person

    def status_for(self, age_days: int, business_age: int) -> str:
        """Choose a state from the age of a case: recent cases open, old ones closed."""
        rnd = self.random.random()
        if age_days < 45:
            open_share = 0.9
        elif age_days < 120:
            open_share = 0.45
        elif age_days < 365:
            open_share = 0.05
        else:
            open_share = 0.008
        if rnd >= open_share:
            return "closed"
        pick = self.random.random()
        if business_age < 10:
            return (
                "received"
                if pick < 0.5
                else "acknowledged"
                if pick < 0.95
                else "awaiting_requester"
            )
        if pick < 0.06:
            return "received"
        if pick < 0.6:
            return "acknowledged"
        if pick < 0.75:
            return "awaiting_requester"
        if pick < 0.9:
            return "answered"
        return "escalated"

    def chunk(
        self, start: int, days: list[date], staff: list[int], ids: dict[str, int]
    ) -> dict[str, list[dict]]:
        """Build one chunk of cases (ordered by receipt) with their requesters and events."""
        rnd = self.random
        cases, requesters, events, pauses = [], [], [], []
        for offset, received_on in enumerate(days):
            case_id = ids["case"] + start + offset
            requester_id = ids["requester"] + start + offset
            kind = rnd.choice(self.kinds)
            channel = rnd.choice(self.channels)
            received_at = self.moment(received_on)
            age = (self.today - received_on).days
            business_age = self.calendar.business_days_between(received_on, self.today)
            status = self.status_for(age, business_age)
            policy = self.policies[kind]
            written = channel in WRITTEN_CHANNELS
            ack_due = (
                self.due(received_on, policy.acknowledgment.days, policy.acknowledgment.unit)
                if written
                else None
            )
            answer_due = self.due(received_on, policy.answer.days, policy.answer.unit)
            year = received_on.year
            sequence = self.counters.get((kind.value, year), 0) + 1
            self.counters[(kind.value, year)] = sequence
            name, email, phone = self.person()
            requesters.append(
                {
                    "id": requester_id,
                    "name": name,
                    "email": email if channel != "phone" or rnd.random() < 0.5 else None,
                    "phone": phone if rnd.random() < 0.7 else None,
                    "postal_address": f"{rnd.randrange(1, 9999)}, rue Principale, Québec"
                    if channel == "letter"
                    else None,
                    "language": "fr" if rnd.random() < 0.92 else "en",
                }
            )
            trail = [("created", None, None, "received", received_at)]
            assignee = rnd.choice(staff) if status != "received" or rnd.random() < 0.4 else None
            assignments = []
            if assignee is not None and rnd.random() < 0.3:
                trail.append(("assignment", None, None, None, received_at + timedelta(hours=2)))
                assignments.append({"from": None, "to": assignee})

            def on(n: int, received_on=received_on) -> datetime:
                return self.moment(min(self.business(received_on, n), self.today))

            acknowledged_at = answered_at = closed_at = None
            outcome = summary = None
            paused_on = protecteur = escalated_on = reply_due = None
            paused_days = 0
            if status != "received" and written:
                late = rnd.random() < 0.08
                acknowledged_at = on(rnd.randrange(11, 16) if late else rnd.randrange(1, 10))
                if acknowledged_at.date() > self.today:
                    acknowledged_at = self.moment(self.today)
                trail.append(
                    ("transition", "acknowledge", "received", "acknowledged", acknowledged_at)
                )
            state = "acknowledged" if acknowledged_at else "received"
            if status == "awaiting_requester":
                paused_on = min(self.business(received_on, rnd.randrange(2, 8)), self.today)
                trail.append(
                    ("transition", "request_information", state, status, self.moment(paused_on))
                )
                pauses.append({"case_id": case_id, "start": paused_on, "end": None})
            answered = status in ("answered", "escalated") or (
                status == "closed" and rnd.random() < 0.96
            )
            if answered:
                if rnd.random() < 0.1 and status == "closed":
                    paused_from = self.business(received_on, 3)
                    paused_days = rnd.randrange(2, 10)
                    paused_to = self.business(paused_from, paused_days)
                    pauses.append({"case_id": case_id, "start": paused_from, "end": paused_to})
                    trail.append(
                        (
                            "transition",
                            "request_information",
                            state,
                            "awaiting",
                            self.moment(paused_from),
                        )
                    )
                    trail.append(
                        ("transition", "resume", "awaiting", state, self.moment(paused_to))
                    )
                late = rnd.random() < 0.12
                answered_at = on(rnd.randrange(21, 35) if late else rnd.randrange(4, 20))
                summary = "Réponse transmise par écrit avec les explications demandées."
                trail.append(("transition", "answer", state, "answered", answered_at))
                state = "answered"
            escalates = status == "escalated" or (answered and rnd.random() < 0.02)
            if escalates:
                base = answered_at.astimezone(self.tz).date()
                escalated_on = min(base + timedelta(days=rnd.randrange(5, 60)), self.today)
                protecteur = f"PC-{escalated_on.year}-{rnd.randrange(100000):05d}"
                reply_due = escalated_on + timedelta(days=30)
                trail.append(
                    ("transition", "escalate", state, "escalated", self.moment(escalated_on))
                )
                state = "escalated"
            if status == "closed":
                if answered:
                    outcome = rnd.choice(ANSWERED_OUTCOMES)
                    closed_at = answered_at + timedelta(days=rnd.randrange(0, 3))
                    if escalates:
                        closed_at = self.moment(min(reply_due, self.today))
                else:
                    outcome = rnd.choice(UNANSWERED_OUTCOMES)
                    closed_at = on(rnd.randrange(2, 15))
                closed_at = min(closed_at, self.moment(self.today))
                trail.append(("transition", "close", state, "closed", closed_at))
            case = {
                "id": case_id,
                "reference": f"{PREFIXES[kind]}-{year}-{sequence:05d}",
                "kind": kind.value,
                "channel": channel,
                "subject": rnd.choice(SUBJECTS),
                "description": rnd.choice(DESCRIPTIONS),
                "priority": "high" if rnd.random() < 0.05 else "normal",
                "status": status,
                "received_at": received_at,
                "requester_id": requester_id,
                "assignee_id": assignee,
                # As the services keep it: the people of its assignments and its assignee.
                "handlers": len(people_who_handled(assignments, assignee)),
                "facts_known_on": None,
                "ack_due_on": ack_due,
                "answer_due_on": answer_due,
                "calendar_version": self.calendar.version,
                "paused_on": paused_on,
                "paused_business_days": paused_days,
                "acknowledged_at": acknowledged_at,
                "answered_at": answered_at,
                "closed_at": closed_at,
                "answer_summary": summary,
                "outcome": outcome,
                "protecteur_file_number": protecteur,
                "escalated_on": escalated_on,
                "protecteur_reply_due_on": reply_due,
                "version": len(trail),
                "created_at": received_at,
                "updated_at": closed_at or answered_at or acknowledged_at or received_at,
            }
            at = received_at
            steps = []
            for kind_, trigger, source, target, when in trail:
                at = max(at, when or at + timedelta(hours=rnd.randrange(20, 200)))
                at = min(at, self.moment(self.today))
                data: dict = {}
                if kind_ == "assignment":
                    data = dict(assignments[0])
                if trigger is not None:
                    on = at.astimezone(self.tz).date()
                    data["on"] = on.isoformat()
                    reply = reply_due if trigger == "escalate" else None
                    if reply is not None:
                        data["protecteur_reply_due_on"] = reply.isoformat()
                    steps.append(Step(kind=trigger, on=on, outcome=outcome, reply_due_on=reply))
                events.append(
                    {
                        "case_id": case_id,
                        "at": at,
                        "actor": "bench",
                        "kind": kind_,
                        "trigger": trigger,
                        "from_state": _STATE.get(source, source),
                        "to_state": _STATE.get(target, target),
                        "reason": None,
                        "data": data,
                    }
                )
            # The stored deadline columns come from the case clock, as the services write them.
            clock = derive(
                self.calendar,
                policy=KindPolicy(
                    Delay(policy.acknowledgment.days, policy.acknowledgment.unit),
                    Delay(policy.answer.days, policy.answer.unit),
                ),
                received_at=received_at,
                written=written,
                steps=steps,
                today=self.today,
                tz=self.tz,
            )
            running = clock.next_running()
            case.update(
                {
                    "ack_due_on": clock.acknowledgment.due_on,
                    "answer_due_on": clock.answer.due_on,
                    "protecteur_reply_due_on": clock.protecteur_reply.due_on,
                    "ack_met_on": clock.acknowledgment.met_on,
                    "ack_outcome": _value(clock.acknowledgment.outcome),
                    "answer_met_on": clock.answer.met_on,
                    "answer_outcome": _value(clock.first_answer.outcome),
                    "answer_counted_on": clock.first_answer.counted_due_on,
                    "next_due_on": running.due_on if running else None,
                    "next_deadline": running.name.value if running else None,
                }
            )
            cases.append(case)
            self.plan.by_status[status] = self.plan.by_status.get(status, 0) + 1
            if running and running.due_on < self.today:
                self.plan.overdue += 1
        self.plan.cases += len(cases)
        self.plan.requesters += len(requesters)
        self.plan.events += len(events)
        return {
            "requesters": requesters,
            "cases": cases,
            "case_events": events,
            "case_pauses": pauses,
        }

    def receipt_days(
        self, count: int, *, first: date | None = None, last: date | None = None
    ) -> list[date]:
        """Spread `count` receipts evenly from `first` to `last` (by default the five years
        ending today), oldest first."""
        last = last or self.today
        first = first or self.today - timedelta(days=365 * YEARS)
        span = (last - first).days + 1
        return [first + timedelta(days=n * span // count) for n in range(count)]


_STATE = {"awaiting": "awaiting_requester"}
_ASCII = str.maketrans("àâäçéèêëîïôöùûüÿ", "aaaceeeeiioouuuy", " '")
_DOMAINS = ("videotron.ca", "gmail.com", "hotmail.com", "outlook.com", "bell.net", "example.org")


def _staff_rows(now: datetime, first_id: int) -> list[dict]:
    rnd = random.Random(7)
    rows = []
    for role, count in STAFF:
        for n in range(1, count + 1):
            rows.append(
                {
                    "id": first_id + len(rows),
                    "username": f"bench.{role}{n:02d}",
                    "full_name": f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}",
                    "email": f"bench.{role}{n:02d}@example.org",
                    "role": role,
                    "language": "fr",
                    "is_active": True,
                    "password_hash": None,
                    "created_at": now,
                    "failed_logins": 0,
                    "locked_until": None,
                    "last_login_at": None,
                    "session_generation": 0,
                }
            )
    return rows


class _Writer:
    """The fastest bulk insert of each database: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"

    def write(self, connection, table, rows: list[dict]) -> None:
        if not rows:
            return
        columns = [c.name for c in table.columns if c.name in rows[0]]
        names = ", ".join(f'"{c}"' for c in columns)
        raw = connection.connection.driver_connection
        if self.sqlite:
            marks = ", ".join("?" for _ in columns)
            statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
            raw.executemany(statement, [[_sqlite(row[c]) for c in columns] for row in rows])
            return
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_postgres(row[c]) for c in columns])


def _sqlite(value):
    # The text forms SQLAlchemy writes and reads back on SQLite (UTC, naive).
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _postgres(value):
    return json.dumps(value) if isinstance(value, dict) else value


def load(
    engine: Engine,
    settings: Settings,
    *,
    cases: int,
    today: date,
    seed: int = 2026,
    received: tuple[date, date] | None = None,
) -> Plan:
    """Fill the database with `cases` cases ending `today` (received from the first to the last
    day of `received` when given); refuse one that holds cases."""
    with engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(Case)).scalar_one():
            raise SystemExit("the database already holds cases: load into an empty one")
        first_user = (connection.execute(select(func.max(User.id))).scalar_one() or 0) + 1
        first_requester = (connection.execute(select(func.max(Requester.id))).scalar_one() or 0) + 1
    loader = Loader(engine, settings, today=today, seed=seed)
    writer = _Writer(engine)
    now = datetime.now(UTC)
    staff = _staff_rows(now, first_user)
    assignable = [row["id"] for row in staff if row["role"] in ("agent", "officer")]
    ids = {"case": 1, "requester": first_requester}
    first, last = received or (None, None)
    days = loader.receipt_days(cases, first=first, last=last)
    tables = {
        "requesters": Requester.__table__,
        "cases": Case.__table__,
        "case_events": CaseEvent.__table__,
        "case_pauses": CasePause.__table__,
    }
    with engine.begin() as connection:
        writer.write(connection, User.__table__, staff)
    for start in range(0, cases, CHUNK):
        batch = loader.chunk(start, days[start : start + CHUNK], assignable, ids)
        with engine.begin() as connection:
            for name, rows in batch.items():
                writer.write(connection, tables[name], rows)
        done = start + len(batch["cases"])
        if done % 100_000 == 0 or done == cases:
            print(f"  {done:,} cases", file=sys.stderr, flush=True)
    with engine.begin() as connection:
        counters = ReferenceCounter.__table__
        connection.execute(counters.delete())
        connection.execute(
            counters.insert(),
            [{"kind": k, "year": y, "last": n} for (k, y), n in loader.counters.items()],
        )
        if engine.dialect.name == "postgresql":
            for name in ("users", "requesters", "cases", "case_events", "case_pauses"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {name}))"
                    )
                )
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("VACUUM ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()
    return loader.plan


def _iter_summary(plan: Plan) -> Iterator[str]:
    yield f"{plan.cases:,} cases, {plan.requesters:,} requesters, {plan.events:,} events"
    open_ = plan.cases - plan.by_status.get("closed", 0)
    yield f"{open_:,} not closed, {plan.overdue:,} overdue"
    yield "by state: " + ", ".join(f"{k} {v:,}" for k, v in sorted(plan.by_status.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--url", required=True, help="a migrated database (casework db upgrade)")
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    settings = Settings(database=DatabaseSettings(url=args.url))
    engine = make_engine(settings.database)
    from casework.db import check_database

    problem = check_database(engine)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    today = args.today or datetime.now(settings.calendar.zone).date()
    started = time.perf_counter()
    plan = load(engine, settings, cases=args.cases, today=today, seed=args.seed)
    for line in _iter_summary(plan):
        print(line)
    print(f"loaded in {time.perf_counter() - started:.0f} s")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())


def _value(outcome) -> str | None:
    return outcome.value if outcome is not None else None
