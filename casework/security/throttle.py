"""Login throttling per client address and per account, with the `limits` package.

docs/security.md: within `security.lockout_minutes` (a moving window), after
`security.login_max_failures` failed logins for one account from one client address, that address
may not try that account again until the window frees; after `security.login_address_max_failures`
failures from one address, whatever the accounts, that address may not try any. The account's
owner, from another address, is never refused: whoever guesses slows down only themself. A
refused attempt checks no password, so it costs the server next to nothing.

The counts live where `security.throttle_storage` says: each process's memory by default (with
several processes, each counts on its own), or a shared store.
"""

import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from casework.config import SecuritySettings

NAMESPACE = "casework-login"


@dataclass(frozen=True)
class Refusal:
    """Why an address may not try now, and for how long."""

    seconds: int
    whole_address: bool


class LoginThrottle:
    """Count failed logins per (account, address) and per address; say when to refuse."""

    def __init__(self, settings: SecuritySettings) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.throttle_storage))
        minutes = settings.lockout_minutes
        self.per_account = RateLimitItemPerMinute(settings.login_max_failures, minutes)
        self.per_address = RateLimitItemPerMinute(settings.login_address_max_failures, minutes)

    def refusal(self, *, address: str, username: str) -> Refusal | None:
        """Return why this address may not try this account now (None: it may)."""
        if not self._limiter.test(self.per_address, NAMESPACE, address):
            return Refusal(self._wait(self.per_address, address), whole_address=True)
        if not self._limiter.test(self.per_account, NAMESPACE, address, username):
            return Refusal(self._wait(self.per_account, address, username), whole_address=False)
        return None

    def failed(self, *, address: str, username: str) -> Refusal | None:
        """Count a failed login; return the refusal it starts, if it is the last one allowed."""
        self._limiter.hit(self.per_address, NAMESPACE, address)
        self._limiter.hit(self.per_account, NAMESPACE, address, username)
        return self.refusal(address=address, username=username)

    def succeeded(self, *, address: str, username: str) -> None:
        """Forget the failures of this account from this address (they were not in a row)."""
        self._limiter.clear(self.per_account, NAMESPACE, address, username)

    def _wait(self, item: RateLimitItem, *identifiers: str) -> int:
        reset = self._limiter.get_window_stats(item, NAMESPACE, *identifiers).reset_time
        return max(1, int(reset - time.time()) + 1)


PUBLIC_NAMESPACE = "casework-public"


class PublicThrottle:
    """Count, per client address, the public submissions and the wrong private links
    (docs/public.md): a moving hour, counted where `security.throttle_storage` says."""

    def __init__(self, security: SecuritySettings, *, submissions: int, wrong_links: int) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(security.throttle_storage))
        self.submissions = RateLimitItemPerMinute(submissions, 60)
        self.wrong_links = RateLimitItemPerMinute(wrong_links, 60)

    def wait(self, item: RateLimitItem, address: str) -> int | None:
        """Return the seconds this address must wait before it may try again (None: it may)."""
        if self._limiter.test(item, PUBLIC_NAMESPACE, address):
            return None
        reset = self._limiter.get_window_stats(item, PUBLIC_NAMESPACE, address).reset_time
        return max(1, int(reset - time.time()) + 1)

    def hit(self, item: RateLimitItem, address: str) -> None:
        """Count one attempt of this address."""
        self._limiter.hit(item, PUBLIC_NAMESPACE, address)
