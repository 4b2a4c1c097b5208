"""Password hashes with Argon2id (RFC 9106), in the PHC string format that names its own cost."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from aftersales.domain.sign_in import SignInTerms

__all__ = ["hash_password", "needs_rehash", "verify_password", "waste_time"]


@functools.lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    # One lane: a sign-in should not take more than one core of a small server.
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def _of(terms: SignInTerms) -> PasswordHasher:
    return _hasher(terms.time_cost, terms.memory_kib)


def hash_password(terms: SignInTerms, password: str) -> str:
    return _of(terms).hash(password)


def verify_password(terms: SignInTerms, stored: str, password: str) -> bool:
    """Whether the password matches the stored hash (a damaged hash matches nothing)."""
    try:
        return _of(terms).verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(terms: SignInTerms, stored: str) -> bool:
    """True when the hash was made with other parameters than those configured now."""
    return _of(terms).check_needs_rehash(stored)


@functools.lru_cache(maxsize=8)
def _decoy(time_cost: int, memory_kib: int) -> str:
    return _hasher(time_cost, memory_kib).hash("a password nobody has")


def waste_time(terms: SignInTerms, password: str) -> None:
    """Spend what checking a real password costs, so an unknown name answers no faster."""
    verify_password(terms, _decoy(terms.time_cost, terms.memory_kib), password)
