"""Rules that contradict each other: same layer, same priority, overlapping scopes, and
different values for one field (or one adds a resolution the other forbids).

Across layers or priorities there is no contradiction: precedence decides (see ``engine``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations

from aftersales.policy.overlap import may_overlap
from aftersales.policy.rules import SLA_FIELDS, Effect, Rule
from aftersales.policy.yaml_source import SourceError

__all__ = ["contradictions"]


def contradictions(rules: Iterable[Rule]) -> list[SourceError]:
    """One error per contradicting pair, at the later rule's line, naming the earlier one."""
    groups: dict[tuple[int, int, str | None], list[Rule]] = defaultdict(list)
    for rule in rules:
        groups[(rule.layer_rank, rule.priority, rule.merchant)].append(rule)
    found = []
    for group in groups.values():
        for a, b in combinations(sorted(group, key=lambda r: r.order), 2):
            clashes = sorted(_clashes(a.effect, b.effect))
            if clashes and may_overlap(a.scope, b.scope):
                file, _, line = b.where.rpartition(":")
                found.append(
                    SourceError(
                        file,
                        int(line),
                        f"rule {b.id} contradicts {a.id} ({a.where}) at priority {b.priority}"
                        f" on {', '.join(clashes)}; give one a higher priority or make their"
                        " conditions exclusive",
                    )
                )
    return found


def _clashes(a: Effect, b: Effect) -> Iterator[str]:
    theirs = dict(b.scalars)
    for name, value in a.scalars:
        if name in theirs and theirs[name] != value:
            yield f"{name} ({value} vs {theirs[name]})"
    their_sla = dict(b.sla)
    for index, hours in a.sla:
        if index in their_sla and their_sla[index] != hours:
            yield f"sla.{SLA_FIELDS[index]} ({hours:g} vs {their_sla[index]:g})"
    their_offers = {o.type: o for o in b.offers}
    for offer in a.offers:
        other = their_offers.get(offer.type)
        if other is not None and other != offer:
            yield f"resolution {offer.type} (rank or amount differ)"
    for kind in {o.type for o in a.offers} & b.forbid | {o.type for o in b.offers} & a.forbid:
        yield f"resolution {kind} (offered and forbidden)"
