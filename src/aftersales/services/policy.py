"""Operators activate a policy pack; every server process adopts it within seconds."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

from aftersales.domain.actors import Actor, Role
from aftersales.errors import PermissionDenied, Text, ValidationFailed
from aftersales.policy import Pack, load_pack, run_tests
from aftersales.services.context import Context
from aftersales.services.policy_source import pack_digest

__all__ = ["activate"]


def activate(ctx: Context, actor: Actor, directory: Path, *, run_pack_tests: bool = True) -> Pack:
    """Validate a pack (and run its policy tests), then make it the pack in force everywhere."""
    if actor.role is not Role.OPERATOR:
        raise PermissionDenied(
            Text("only operators activate policy packs", "只有平台运营人员可以激活政策包")
        )
    directory = directory.resolve()
    pack = load_pack(directory)  # PackInvalid names file and line; nothing is recorded
    if run_pack_tests:
        report = run_tests(pack)
        if not report.ok:
            raise ValidationFailed(
                Text(
                    f"policy pack {pack.name} {pack.version}: {report.failed} of {report.total}"
                    f" policy tests fail; first: {report.failures[0]}",
                    f"政策包 {pack.name} {pack.version}：{report.total} 项政策测试中"
                    f"有 {report.failed} 项未通过；第一项：{report.failures[0]}",
                ),
                errors=list(report.failures),
            )
    with ctx.uow() as uow:
        activation_id = uow.policy.add(
            version=pack.version,
            name=pack.name,
            path=str(directory),
            digest=pack_digest(directory),
            at=ctx.clock.now(),
            by=actor.subject or actor.role.value,
        )
        uow.commit()
    ctx.policy.adopt(pack, activation_id)
    return pack
