"""API keys for integrations (DESIGN §1: "create cases and read status over the REST API with an
API key").

A key is shown once, when it is created; only its SHA-256 is stored (a key is 256 random bits, so
a fast hash resists guessing; people's passwords get Argon2id). Revoking a key keeps its row, so
the events and the access log still say whose it was. The time of last use is recorded, at most
once a minute per key so that reading does not turn every request into a write.

A process remembers the keys it found live for KEY_RECHECK (2 seconds), so that a burst of
requests does not read the same row each time: a key revoked by another process (`casework
apikeys revoke`) stops working within that delay, and at once in the process that revoked it.
"""

import hashlib
import logging
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from casework.context import Actor, AppContext
from casework.db import read_connection, read_session, unit_of_work
from casework.i18n import N_
from casework.models import ApiKey
from casework.repositories import apikeys as repo
from casework.security.policy import INTEGRATION, KEY_ROLES
from casework.services.errors import InvalidInput, NotFound

log = logging.getLogger("casework.security")

KEY_PREFIX = "cwk_"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
TOUCH_EVERY = timedelta(minutes=1)
KEY_RECHECK = timedelta(seconds=2)
REMEMBERED_KEYS = 1000


@dataclass(frozen=True, slots=True)
class KeyHolder:
    """Who a live key speaks for: what a request needs to know of it."""

    id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class _Remembered:
    holder: KeyHolder
    checked: datetime  # when the read that found the key live began
    last_used_at: datetime  # the last use recorded in the database


class _LiveKeys:
    """The live keys this process read, by database and hash of the secret. A revocation forgets
    them all, and a read that began before it is not remembered."""

    def __init__(self) -> None:
        self.entries: dict[tuple[object, str], _Remembered] = {}
        self.revocations = 0
        self.lock = threading.Lock()

    def forget_all(self) -> None:
        with self.lock:
            self.revocations += 1
            self.entries.clear()

    def remember(self, where: tuple[object, str], entry: _Remembered, *, since: int) -> None:
        with self.lock:
            if since != self.revocations:
                return
            if len(self.entries) >= REMEMBERED_KEYS:
                self.entries.clear()
            self.entries[where] = entry


_live_keys = _LiveKeys()


def hash_key(key: str) -> str:
    """Return the stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create(
    ctx: AppContext, *, actor: Actor, name: str, role: str = INTEGRATION
) -> tuple[ApiKey, str]:
    """Create a key; return it with its secret, which is never shown again."""
    if not NAME_PATTERN.match(name):
        raise InvalidInput(
            N_("A key name is 1 to 64 lowercase letters, digits, dots, dashes or underscores."),
            field="name",
        )
    if role not in KEY_ROLES:
        raise InvalidInput(
            N_("This value is not one of: %(expected)s."),
            field="role",
            expected=", ".join(KEY_ROLES),
        )
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    with unit_of_work(ctx.engine) as session:
        if repo.key_by_name(session, name) is not None:
            raise InvalidInput(N_("A key is already named %(name)s."), field="name", name=name)
        key = repo.insert_key(
            session,
            ApiKey(
                name=name,
                role=role,
                key_hash=hash_key(secret),
                prefix=secret[: len(KEY_PREFIX) + 6],
                created_at=ctx.now(),
                created_by=actor.label,
            ),
        )
    log.info("API key %s (%s) created by %s", name, role, actor.label)
    return key, secret


def revoke(ctx: AppContext, *, actor: Actor, name: str) -> ApiKey:
    """Revoke a key for good; revoking it again changes nothing."""
    with unit_of_work(ctx.engine) as session:
        key = repo.key_by_name(session, name, for_update=True)
        if key is None:
            raise NotFound(N_("No API key is named %(name)s."), name=name)
        if key.revoked_at is None:
            key.revoked_at = ctx.now()
            log.info("API key %s revoked by %s", name, actor.label)
    _live_keys.forget_all()
    return key


def list_keys(ctx: AppContext) -> list[ApiKey]:
    """Return every key, revoked ones included."""
    with read_session(ctx.engine) as session:
        return repo.all_keys(session)


def remembered(ctx: AppContext, *, key: str) -> KeyHolder | None:
    """Return who the key speaks for when this process found it live less than KEY_RECHECK ago
    and its use needs no new record; otherwise None, and `authenticate` decides. Never touches
    the database, so the web server asks it without a worker thread."""
    entry = _live_keys.entries.get((ctx.engine.url, hash_key(key)))
    if entry is None:
        return None
    now = ctx.now()
    if not entry.checked <= now < entry.checked + KEY_RECHECK:
        return None  # read too long ago (or the clock was set back)
    if entry.last_used_at < now - TOUCH_EVERY:
        return None  # its use is to be recorded
    return entry.holder


def authenticate(ctx: AppContext, *, key: str) -> KeyHolder | None:
    """Return who the live key with this secret speaks for, recording its use; None for an
    unknown or revoked key.

    This runs on every request that carries a key, so it reads one row on a bare connection
    (none when `remembered` knows the key); the time of last use is written at most once a
    minute.
    """
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    holder = remembered(ctx, key=key)
    if holder is not None:
        return holder
    checked, revocations = ctx.now(), _live_keys.revocations
    key_hash = hash_key(key)
    with read_connection(ctx.engine) as connection:
        found = repo.key_by_hash(connection, key_hash)
    if found is None or found.revoked_at is not None:
        return None
    now = ctx.now()
    last_used_at = found.last_used_at
    if last_used_at is None or last_used_at < now - TOUCH_EVERY:
        with unit_of_work(ctx.engine) as session:
            repo.touch_key(session, found.id, now=now, not_since=now - TOUCH_EVERY)
        last_used_at = now
    holder = KeyHolder(id=found.id, name=found.name, role=found.role)
    _live_keys.remember(
        (ctx.engine.url, key_hash), _Remembered(holder, checked, last_used_at), since=revocations
    )
    return holder
