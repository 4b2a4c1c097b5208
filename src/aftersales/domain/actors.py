"""Who is acting: a role bound to a subject (a consumer id, a merchant id, or none)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["AUTO_REPLY", "POLICY", "SYSTEM", "Actor", "Role", "role_zh"]


class Role(StrEnum):
    CONSUMER = "consumer"
    MERCHANT_AGENT = "merchant_agent"
    OPERATOR = "operator"
    AUDITOR = "auditor"
    INTEGRATION = "integration"
    SYSTEM = "system"

    @property
    def needs_subject(self) -> bool:
        return self in (Role.CONSUMER, Role.MERCHANT_AGENT)


# The roles' Chinese names, as the console gives them (console/labels.py).
_ROLE_NAMES = {
    Role.CONSUMER: "消费者",
    Role.MERCHANT_AGENT: "商家客服",
    Role.OPERATOR: "平台运营",
    Role.AUDITOR: "审计",
    Role.INTEGRATION: "平台系统",
    Role.SYSTEM: "平台",
}


def role_zh(role: Role) -> str:
    """A role as a Chinese refusal names it: its name, then its code in full-width brackets."""
    return f"{_ROLE_NAMES[role]}（{role.value}）"  # noqa: RUF001


@dataclass(frozen=True, slots=True)
class Actor:
    role: Role
    subject: str | None = None

    def is_consumer(self, consumer_id: str) -> bool:
        return self.role is Role.CONSUMER and self.subject == consumer_id

    def is_merchant(self, merchant_id: str) -> bool:
        return self.role is Role.MERCHANT_AGENT and self.subject == merchant_id


SYSTEM = Actor(Role.SYSTEM, "sla")  # the SLA clocks: acts only once a deadline has passed
POLICY = Actor(Role.SYSTEM, "policy")  # the policy decision, acting at a case's opening
AUTO_REPLY = Actor(Role.SYSTEM, "auto_reply")  # the platform's automatic first reply
