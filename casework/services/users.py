"""Staff accounts: create, list, disable, change a password, a role or an email address; sign in.

DESIGN §1 (agent, officer, supervisor, administrator) and docs/security.md: passwords are stored
as Argon2id hashes only; a wrong password never tells whether the account exists; repeated
failures refuse the client address that makes them, for that account or for all
(casework.security.throttle), never the account's owner elsewhere, and each refusal is logged.
Changing a password, disabling an account or signing out ends every session of the account
(`session_generation`).
"""

import logging
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from pydantic import ValidationError

from casework.context import Actor, AppContext
from casework.db import read_session, unit_of_work
from casework.i18n import LANGUAGES, N_
from casework.models import User
from casework.models.users import Role, UserCreate
from casework.repositories import users as repo
from casework.security import passwords
from casework.services.errors import InvalidInput, NotFound

log = logging.getLogger("casework.security")


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt gives: the account when it succeeded, nothing that says why not."""

    user: User | None
    retry_after: int | None = None  # seconds, when too many failures refuse this attempt


def _check_password(ctx: AppContext, *, username: str, password: str) -> None:
    minimum = ctx.settings.security.password_min_length
    if len(password) < minimum:
        raise InvalidInput(
            N_("The password must have at least %(min)s characters."),
            field="password",
            min=minimum,
        )
    if len(password) > 1024:
        raise InvalidInput(N_("The password is too long."), field="password")
    if password.strip().lower() == username.lower():
        raise InvalidInput(N_("The password cannot be the username."), field="password")


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(
            N_("This value is not one of: %(expected)s."),
            field="role",
            expected=", ".join(r.value for r in Role),
        ) from None


def _checked_email(email: str | None) -> str | None:
    """Return an address in its normal form (None for none); refuse what cannot be an address,
    since reminders to it could never leave."""
    if email is None or not email.strip():
        return None
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidInput(N_("This is not a valid email address."), field="email") from None


def _found(session, username: str) -> User:
    user = repo.by_username(session, username, for_update=True)
    if user is None:
        raise NotFound(N_("No account has the username %(username)s."), username=username)
    return user


def _keep_an_admin(session, user: User) -> None:
    if user.role == Role.ADMIN.value and user.is_active and repo.active_admins(session) <= 1:
        raise InvalidInput(
            N_("%(username)s is the last active administrator."), username=user.username
        )


def add(
    ctx: AppContext,
    *,
    actor: Actor,
    username: str,
    full_name: str,
    password: str,
    role: str = Role.AGENT.value,
    email: str | None = None,
    language: str = "fr",
) -> User:
    """Create an account with a password."""
    email = _checked_email(email)
    try:
        data = UserCreate(
            username=username,
            full_name=full_name,
            email=email,
            role=role,
            language=language,
            password=password,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "username"
        if field == "role":
            _check_role(role)
        if field == "username":
            raise InvalidInput(
                N_(
                    "A username is 1 to 64 lowercase letters, digits, dots, dashes or "
                    "underscores, starting with a letter or a digit."
                ),
                field="username",
            ) from None
        raise InvalidInput(N_("This value is not valid."), field=field) from None
    _check_password(ctx, username=data.username, password=password)
    password_hash = passwords.hash_password(ctx.settings.security, password)
    with unit_of_work(ctx.engine) as session:
        if repo.by_username(session, data.username) is not None:
            raise InvalidInput(
                N_("The username %(username)s is taken."), field="username", username=username
            )
        user = repo.insert_user(
            session,
            User(
                username=data.username,
                full_name=data.full_name,
                email=data.email,
                role=Role(data.role).value,
                language=data.language,
                password_hash=password_hash,
                created_at=ctx.now(),
            ),
        )
    log.info("account %s (%s) created by %s", user.username, user.role, actor.label)
    return user


def acting_as(ctx: AppContext, *, username: str) -> Actor | None:
    """Return the actor of an active account (the command line's `--as`), None when no active
    account has this username."""
    with read_session(ctx.engine) as session:
        user = repo.by_username(session, username)
        if user is None or not user.is_active:
            return None
        return Actor(label=f"user:{user.username}", user_id=user.id, role=user.role)


def list_users(ctx: AppContext) -> list[User]:
    """Return every account, by username."""
    with read_session(ctx.engine) as session:
        return repo.all_users(session)


def disable(ctx: AppContext, *, actor: Actor, username: str) -> User:
    """Disable an account and end its sessions; its history stays."""
    with unit_of_work(ctx.engine) as session:
        user = _found(session, username)
        _keep_an_admin(session, user)
        user.is_active = False
        user.session_generation += 1
    log.info("account %s disabled by %s", user.username, actor.label)
    return user


def enable(ctx: AppContext, *, actor: Actor, username: str) -> User:
    """Enable a disabled account again, and clear its count of failed logins."""
    with unit_of_work(ctx.engine) as session:
        user = _found(session, username)
        user.is_active = True
        user.failed_logins = 0
    log.info("account %s enabled by %s", user.username, actor.label)
    return user


def set_password(ctx: AppContext, *, actor: Actor, username: str, password: str) -> User:
    """Give an account a new password; its sessions end and its failed logins are forgotten."""
    _check_password(ctx, username=username, password=password)
    password_hash = passwords.hash_password(ctx.settings.security, password)
    with unit_of_work(ctx.engine) as session:
        user = _found(session, username)
        user.password_hash = password_hash
        user.session_generation += 1
        user.failed_logins = 0
    log.info("password of %s changed by %s", user.username, actor.label)
    return user


def set_role(ctx: AppContext, *, actor: Actor, username: str, role: str) -> User:
    """Change the role of an account (it applies at the account's next request)."""
    new_role = _check_role(role)
    with unit_of_work(ctx.engine) as session:
        user = _found(session, username)
        if new_role != Role.ADMIN:
            _keep_an_admin(session, user)
        before = user.role
        user.role = new_role.value
    log.info("role of %s changed from %s to %s by %s", username, before, new_role, actor.label)
    return user


def set_email(ctx: AppContext, *, actor: Actor, username: str, email: str | None) -> User:
    """Change the email address of an account (None or blank removes it); reminders and alerts
    go to it from now on, and `casework outbox retry` sends a failed one to it."""
    address = _checked_email(email)
    with unit_of_work(ctx.engine) as session:
        user = _found(session, username)
        user.email = address
    log.info("email address of %s changed by %s", username, actor.label)
    return user


def authenticate(ctx: AppContext, *, username: str, password: str, address: str) -> LoginResult:
    """Check a username and password from a client address, throttling repeated failures.

    Whether the account is unknown, disabled or the password wrong, the answer is the same and
    takes about the same time (one Argon2 verification). The hash is checked outside any
    transaction, so that guesses never hold the database's write lock; only the outcome is
    written, in a short unit of work of its own.
    """
    security = ctx.settings.security
    throttle = ctx.login_throttle
    username = username.strip().lower()
    refusal = throttle.refusal(address=address, username=username)
    if refusal is not None:
        log.info("login refused: too many failures from %s", address)
        return LoginResult(user=None, retry_after=refusal.seconds)
    # A name with a control character matches no account (and PostgreSQL refuses NUL in text).
    plausible = 0 < len(username) <= 64 and username.isprintable()
    user = None
    if plausible:
        with read_session(ctx.engine) as session:
            user = repo.by_username(session, username)
    if user is None or not user.is_active:
        passwords.verify_password(security, None, password)
        log.info("failed login: unknown or disabled account")
        return _failed(ctx, None, username=username, address=address)
    if not passwords.verify_password(security, user.password_hash, password):
        return _failed(ctx, user, username=username, address=address)
    new_hash = None
    if passwords.needs_rehash(security, user.password_hash):
        new_hash = passwords.hash_password(security, password)
    with unit_of_work(ctx.engine) as session:
        repo.record_login(session, user_id=user.id, at=ctx.now(), password_hash=new_hash)
    throttle.succeeded(address=address, username=username)
    log.info("login of %s", user.username)
    return LoginResult(user=user)


def _failed(ctx: AppContext, user: User | None, *, username: str, address: str) -> LoginResult:
    """Count a failed login (the account's count, in a short unit of work, and the throttle's);
    log the refusal it starts."""
    if user is not None:
        with unit_of_work(ctx.engine) as session:
            failures = repo.record_failed_login(session, user_id=user.id)
        log.info("failed login for %s (%s in a row)", user.username, failures)
    refusal = ctx.login_throttle.failed(address=address, username=username)
    if refusal is not None:
        if refusal.whole_address:
            log.warning(
                "logins from %s refused for %s s after %s failures",
                address,
                refusal.seconds,
                ctx.settings.security.login_address_max_failures,
            )
        else:
            log.warning(
                "account %s locked for %s for %s s after %s failed logins",
                user.username if user is not None else "(unknown)",
                address,
                refusal.seconds,
                ctx.settings.security.login_max_failures,
            )
    return LoginResult(user=None)


def session_user(ctx: AppContext, *, user_id: int, generation: int) -> User | None:
    """Return the account of a session if the session still holds: the account is active and
    nothing ended its sessions since."""
    with read_session(ctx.engine) as session:
        user = repo.by_id(session, user_id)
    if user is None or not user.is_active or user.session_generation != generation:
        return None
    return user


def end_sessions(ctx: AppContext, *, user_id: int) -> None:
    """End every session of an account (sign-out)."""
    with unit_of_work(ctx.engine) as session:
        user = repo.by_id(session, user_id)
        if user is not None:
            user.session_generation += 1


def get(ctx: AppContext, *, user_id: int) -> User:
    """Return one account."""
    with read_session(ctx.engine) as session:
        user = repo.by_id(session, user_id)
    if user is None:
        raise NotFound(N_("No such account."))
    return user


def change_own_password(
    ctx: AppContext, *, actor: Actor, current_password: str, new_password: str
) -> User:
    """Change one's own password after proving the current one; every other session of the
    account ends (the caller starts a new one for the person who changed it)."""
    if actor.user_id is None:
        raise NotFound(N_("No such account."))
    user = get(ctx, user_id=actor.user_id)
    # Argon2 runs outside any transaction: a slow hash must not hold a write lock.
    if not passwords.verify_password(ctx.settings.security, user.password_hash, current_password):
        raise InvalidInput(N_("This is not your current password."), field="current_password")
    _check_password(ctx, username=user.username, password=new_password)
    if new_password == current_password:
        raise InvalidInput(
            N_("The new password must differ from the current one."), field="new_password"
        )
    password_hash = passwords.hash_password(ctx.settings.security, new_password)
    with unit_of_work(ctx.engine) as session:
        user = _found(session, user.username)
        user.password_hash = password_hash
        user.session_generation += 1
    log.info("password of %s changed by its owner", user.username)
    return user


def set_own_language(ctx: AppContext, *, actor: Actor, language: str) -> User:
    """Choose the language of one's pages, reminders and alerts (fr or en)."""
    if language not in LANGUAGES:
        raise InvalidInput(
            N_("This value is not one of: %(expected)s."),
            field="language",
            expected=", ".join(LANGUAGES),
        )
    if actor.user_id is None:
        raise NotFound(N_("No such account."))
    with unit_of_work(ctx.engine) as session:
        user = repo.by_id(session, actor.user_id)
        if user is None:
            raise NotFound(N_("No such account."))
        user.language = language
    return user
