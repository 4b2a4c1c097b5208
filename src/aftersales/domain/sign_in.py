"""Console sign-in rules: user names, how long a session lasts, when repeated failures pause it."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from aftersales.domain.actors import Role
from aftersales.errors import Text, ValidationFailed

__all__ = ["CONSOLE_ROLES", "MIN_PASSWORD", "SignInTerms", "check_name", "check_password"]

# The people's roles; the marketplace integration and the system act through the API only.
CONSOLE_ROLES = (Role.CONSUMER, Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR)
MIN_PASSWORD = 10  # NIST SP 800-63B asks at least 8; a passphrase is easier to remember anyway
MAX_PASSWORD = 256  # long enough for any passphrase, short enough to hash cheaply

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.@-]{1,63}$")


@dataclass(frozen=True, slots=True)
class SignInTerms:
    """What an operator may tune about signing in (``Settings``, ``AFTERSALES_CONSOLE_*``)."""

    session: timedelta = timedelta(hours=12)
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    time_cost: int = 2  # Argon2id passes
    memory_kib: int = 19456  # Argon2id memory: OWASP's minimum for argon2id
    # Cookies are Secure on HTTPS requests; with this, on every request (production is HTTPS).
    always_secure: bool = False

    def locked(self, locked_until: datetime | None, now: datetime) -> bool:
        return locked_until is not None and now < locked_until


def check_name(name: str) -> str:
    """The sign-in name in lower case; letters, digits and ``_ . @ -``, 2 to 64 of them."""
    folded = name.strip().lower()
    if not _NAME.match(folded):
        raise ValidationFailed(
            Text(
                "a user name has 2 to 64 letters (kept in lower case), digits or _ . @ -,"
                " starting with a letter or digit",
                "用户名须由 2 到 64 个字母（按小写保存）、数字或 _ . @ - 组成，并以字母或数字开头",
            )
        )
    return folded


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationFailed(
            Text(
                f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters; a few words make one",
                f"密码须为 {MIN_PASSWORD} 到 {MAX_PASSWORD} 个字符；用几个词连成一句即可",
            )
        )
    return password
