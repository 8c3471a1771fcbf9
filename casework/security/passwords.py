"""Password hashing with Argon2id (argon2-cffi).

The cost comes from the settings (security.argon2_*). When no account has the given name, a
password is still checked, against a hash made once for that purpose, so that the time of the
answer does not reveal whether the account exists.
"""

from contextlib import suppress
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from casework.config import SecuritySettings


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher(settings: SecuritySettings) -> PasswordHasher:
    """Return the Argon2id hasher of the configured cost."""
    return _hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )


@cache
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash("casework: no such account")


def hash_password(settings: SecuritySettings, password: str) -> str:
    """Hash a password for storage."""
    return hasher(settings).hash(password)


def verify_password(settings: SecuritySettings, stored_hash: str | None, password: str) -> bool:
    """Tell whether the password matches the stored hash; with no hash, spend the same time and
    say no."""
    if not stored_hash:
        dummy = _dummy_hash(
            settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
        )
        with suppress(VerificationError):
            hasher(settings).verify(dummy, password)
        return False
    try:
        return hasher(settings).verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(settings: SecuritySettings, stored_hash: str) -> bool:
    """Tell whether a stored hash was made with another cost than the configured one."""
    try:
        return hasher(settings).check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
