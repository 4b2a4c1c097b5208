"""Backtest a policy version from the console: the pack an activation put in force (or the pack
in force now), re-deciding the cases opened in the last days against the decisions they got.

The pack is loaded from the directory its activation recorded and must still match the digest
taken then, as a server adopting it would require (``services.policy_source``): a backtest of
files edited since would report on a version that never was in force.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from aftersales.domain.actors import Actor
from aftersales.errors import AftersalesError, ErrorCode, Text, ValidationFailed
from aftersales.policy import Pack, PackInvalid, load_pack
from aftersales.policy.backtest import Tally
from aftersales.services.backtest import backtest
from aftersales.services.context import Context
from aftersales.services.overview import policy_activation
from aftersales.services.policy_source import pack_digest
from aftersales.store.policy import Activation

__all__ = ["BACKTEST_DAYS", "VersionBacktest", "backtest_version"]

BACKTEST_DAYS = (7, 28, 91)  # the windows a page offers; longer ones belong to the CLI


@dataclass(frozen=True, slots=True)
class VersionBacktest:
    activation: Activation | None  # None: the pack in force now (perhaps the shipped one)
    pack: Pack
    since: datetime
    tally: Tally


def backtest_version(
    ctx: Context, actor: Actor, activation_id: int | None, days: int
) -> VersionBacktest:
    """Re-decide the cases opened in the last ``days`` days with the version's pack."""
    if days not in BACKTEST_DAYS:
        raise ValidationFailed(
            Text(
                f"days: choose one of {', '.join(map(str, BACKTEST_DAYS))}",
                f"days：请从 {'、'.join(map(str, BACKTEST_DAYS))} 中选择",
            )
        )
    since = ctx.clock.now() - timedelta(days=days)
    if activation_id is None:
        pack, activation = ctx.policy.pack, None
    else:
        activation = policy_activation(ctx, actor, activation_id)
        pack = _pack_of(activation)
    return VersionBacktest(activation, pack, since, backtest(ctx, actor, pack, since=since))


def _pack_of(activation: Activation) -> Pack:
    directory = Path(activation.path)
    try:
        pack = load_pack(directory)
        same = pack_digest(directory) == activation.digest
    except (PackInvalid, OSError) as exc:
        raise _unusable(
            Text(
                f"its files are no longer readable at {activation.path}",
                f"{activation.path} 下的文件已无法读取",
            )
        ) from exc
    if not same:
        raise _unusable(
            Text(
                "its files changed after it was activated; backtest them with"
                " `aftersales policy backtest --pack` instead",
                "其文件在激活后已被修改；请改用 `aftersales policy backtest --pack` 回测",
            )
        )
    return pack


def _unusable(why: Text) -> AftersalesError:
    return AftersalesError(
        Text(
            f"this policy version cannot be backtested: {why.en}",
            f"此政策版本无法回测：{why.zh}",
        ),
        code=ErrorCode.POLICY_PACK_INVALID,
    )
