"""The automatic first reply of a new case, built before the case is written.

The reply is an event of the case (``message_posted`` by ``system:auto_reply``), so it is
stored with the case in the opening's own statements and announced through the outbox like any
message. Whether it stops the merchant's first-response clock is the domain's rule
(``Case.post_auto_reply``) on the reply's ``concrete_step``.
"""

from __future__ import annotations

from aftersales.domain.case import Case
from aftersales.domain.catalog import Product
from aftersales.services.assessment import Assessment
from aftersales.services.context import Context
from aftersales.triage.replies import Reply, Situation, compose

__all__ = ["post_first_reply", "situation"]

# A first remedy that sends the item back to the merchant: the reply says how to pack it.
_SENDS_BACK = frozenset({"return_refund", "exchange"})


def situation(assessment: Assessment, product: Product, text: str = "") -> Situation:
    """What the reply is chosen from; ``text`` is the complaint (for entries' keywords)."""
    triage, decision = assessment.triage, assessment.decision
    first = decision.resolutions[0].type if decision.resolutions else None
    return Situation(
        issue_type=triage.issue_type,
        language=triage.language,
        needs_human=triage.needs_human,
        safety=assessment.safety,
        hazards=triage.hazards,
        category=product.category,
        brand=product.brand or "",
        model=product.model or "",
        evidence=decision.required_evidence,
        sends_item_back=first in _SENDS_BACK,
        text=text,
    )


def post_first_reply(
    ctx: Context, case: Case, assessment: Assessment, product: Product
) -> Reply | None:
    """Compose the reply (with the drafter's opening when one is configured) and post it on
    the case; None when automatic replies are switched off."""
    if not ctx.auto_reply:
        return None
    knowledge = ctx.knowledge()  # the live set: operators' edits, looked for every few seconds
    facts = situation(assessment, product, case.description)
    reply = compose(knowledge, facts)
    if ctx.drafter is not None:
        lead = ctx.drafter.draft_lead(case.description, reply)
        if lead:
            reply = compose(knowledge, facts, lead)
    case.post_auto_reply(
        reply.body,
        concrete_step=reply.concrete_step,
        entry=reply.entry,
        language=reply.language,
        at=case.opened_at or ctx.clock.now(),
        revision=reply.revision,
    )
    return reply
