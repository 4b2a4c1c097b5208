"""The words of the exposure package in English and Chinese: reasons, notices and statuses.

Kept apart from the logic so that a translator edits one file.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from aftersales.exposure.content import ContentMetrics, MerchantActivity, Stage
from aftersales.exposure.slots import Slot
from aftersales.scoring.explain import join
from aftersales.scoring.texts import TIER_NAMES, Text
from aftersales.scoring.tiers import RANK, Tier

__all__ = ["REASONS", "SLOT_NAMES", "STAGE_NAMES", "Text"]

SLOT_NAMES: dict[Slot, Text] = {
    Slot.SEARCH: Text("search", "搜索"),
    Slot.FEED: Text("the feed", "推荐流"),
    Slot.MINI_DETAIL: Text("mini-detail pages", "商品详情页"),
}

STAGE_NAMES: dict[Stage, Text] = {
    Stage.ORGANIC: Text("organic", "自然流量"),
    Stage.COLD_START: Text("cold start", "冷启动"),
    Stage.BOOST: Text("boost", "助推"),
    Stage.AMPLIFICATION_POOL: Text("amplification pool", "放大池"),
}

CRITERIA: dict[str, Text] = {
    "impressions": Text("impressions", "曝光量"),
    "ctr": Text("click-through rate", "点击率"),
    "dwell": Text("average dwell", "平均停留"),
}


def _tiers(tiers: Iterable[Tier]) -> Text:
    ordered = sorted(tiers, key=lambda t: -RANK.get(t, -1))
    return Text(
        " and ".join(TIER_NAMES[t].en for t in ordered),
        "、".join(TIER_NAMES[t].zh for t in ordered),
    )


def _pool(store: bool, products: int) -> Text:
    if store:
        return Text("the whole store", "全店商品")
    return Text(f"a targeted pool of {products} products", f"定向商品池 {products} 件")


# ---- programme -------------------------------------------------------------------------------


def not_eligible(tier: Tier, eligible: Iterable[Tier]) -> Text:
    tiers, name = _tiers(eligible), TIER_NAMES[tier]
    return Text(
        f"Tier {name.en} this cycle: the quality-merchant programme takes {tiers.en} merchants.",
        f"本周期等级为{name.zh}：优质商家计划仅面向{tiers.zh}商家。",
    )


def enrolled(cycle_id: str, store: bool, products: int) -> Text:
    what = _pool(store, products)
    return Text(
        f"Enrolled in the quality-merchant programme for cycle {cycle_id} with {what.en}.",
        f"已报名 {cycle_id} 周期优质商家计划：{what.zh}。",
    )


def eligibility_gained(tier: Tier, cycle_id: str) -> Text:
    name = TIER_NAMES[tier]
    return Text(
        f"Tier {name.en} in cycle {cycle_id}: eligible for the quality-merchant programme.",
        f"{cycle_id} 周期等级为{name.zh}：可参加优质商家计划。",
    )


def eligibility_lost(before: Tier | None, after: Tier) -> Text:
    was = TIER_NAMES[before] if before is not None else Text("eligible", "符合条件")
    now = TIER_NAMES[after]
    return Text(
        f"Tier moved from {was.en} to {now.en}: no longer eligible for the programme.",
        f"等级由{was.zh}变为{now.zh}：不再符合优质商家计划条件。",
    )


# Where a boost applies, as a sentence says it.
_ON_SLOT: dict[Slot, Text] = {
    Slot.SEARCH: Text("in search", "搜索"),
    Slot.FEED: Text("in the feed", "推荐流"),
    Slot.MINI_DETAIL: Text("on mini-detail pages", "商品详情页"),
}


def _weights(weights: Mapping[Slot, float]) -> Text:
    parts = [(s, weights[s]) for s in Slot if s in weights]  # search, feed, mini-detail
    en = [f"{w:.2f} {_ON_SLOT[s].en}" for s, w in parts]
    listed = ", ".join(en[:-1]) + " and " + en[-1] if len(en) > 1 else "".join(en)
    return Text(listed, "，".join(f"{_ON_SLOT[s].zh} {w:.2f} 倍" for s, w in parts))


def boosted(tier: Tier, store: bool, products: int, weights: Mapping[Slot, float]) -> Text:
    name, what, table = TIER_NAMES[tier], _pool(store, products), _weights(weights)
    return Text(
        f"Tier {name.en}: this cycle {what.en} gets its exposure on merit multiplied by"
        f" {table.en}.",
        f"等级为{name.zh}：{what.zh}本周期获得加权曝光（{table.zh}）。",
    )


def not_enrolled(tier: Tier, pool_limit: int) -> Text:
    name = TIER_NAMES[tier]
    return Text(
        f"Tier {name.en}: eligible this cycle; enrol a pool of up to {pool_limit} products or the"
        " whole store to be boosted.",
        f"等级为{name.zh}：本周期可报名，可选择最多 {pool_limit} 件商品的定向商品池或全店。",
    )


def watched() -> Text:
    return Text(
        "Tier watch: no programme or content boost until the tier recovers.",
        "等级为观察：等级恢复前不享受优质商家计划和内容助推。",
    )


def boosts_withheld(tier: Tier) -> Text:
    """Why a merchant gets no boost: tier watch, or restricted while throttling is off."""
    if tier is not Tier.RESTRICTED:
        return watched()
    return Text(
        "Tier restricted: no programme eligibility and no content boost until the tier"
        " recovers; exposure is not throttled (throttling is switched off).",
        "等级为受限：等级恢复前不可参加优质商家计划，也不享受内容助推；曝光不限流（限流已关闭）。",
    )


def throttled(multiplier: float) -> Text:
    pct = f"{multiplier * 100:.0f}%"
    return Text(
        f"Tier restricted: exposure throttled to {pct} of what the products earn on merit, no"
        " programme eligibility and no content boost until the tier recovers.",
        f"等级为受限：曝光限流至自然曝光的 {pct}，"
        "等级恢复前不可参加优质商家计划，也不享受内容助推。",
    )


def boosts_restored(tier: Tier) -> Text:
    name = TIER_NAMES[tier]
    return Text(
        f"Tier back to {name.en}: programme and content boosts apply again.",
        f"等级恢复为{name.zh}：恢复优质商家计划和内容助推。",
    )


def throttle_lifted(tier: Tier) -> Text:
    name = TIER_NAMES[tier]
    return Text(
        f"Tier back to {name.en}: the exposure throttle is lifted.",
        f"等级恢复为{name.zh}：解除曝光限流。",
    )


def tier_dropped(before: Tier, after: Tier) -> Text:
    was, now = TIER_NAMES[before], TIER_NAMES[after]
    return Text(
        f"Tier dropped from {was.en} to {now.en}: the boost ended at this serving refresh.",
        f"等级由{was.zh}降为{now.zh}：加权曝光已于本次刷新时结束。",
    )


def not_enrolled_for(cycle_id: str) -> Text:
    return Text(
        f"No enrolment for cycle {cycle_id}: the programme boost ended.",
        f"未报名 {cycle_id} 周期：优质商家计划加权已结束。",
    )


def boost_ended_on(slots: Iterable[Slot]) -> Text:
    names = [SLOT_NAMES[s] for s in Slot if s in set(slots)]
    return Text(
        "The programme boost ended in " + ", ".join(n.en for n in names) + ".",
        "以下流量位的加权已结束：" + "、".join(n.zh for n in names) + "。",
    )


# ---- content ladder --------------------------------------------------------------------------


def figures(metrics: ContentMetrics, ctr_lower: float, window_days: int) -> Text:
    return Text(
        f"{metrics.impressions:,} impressions in {window_days} days,"
        f" click-through {metrics.ctr:.1%} (lower bound {ctr_lower:.1%}),"
        f" {metrics.average_dwell:.1f} s average dwell",
        f"{window_days} 天曝光 {metrics.impressions:,}，点击率 {metrics.ctr:.1%}"
        f"（下限 {ctr_lower:.1%}），平均停留 {metrics.average_dwell:.1f} 秒",
    )


def gate(min_impressions: int, min_ctr: float, min_dwell: float) -> Text:
    return Text(
        f"at least {min_impressions:,} impressions, click-through lower bound {min_ctr:.1%},"
        f" {min_dwell:.1f} s dwell",
        f"曝光至少 {min_impressions:,}，点击率下限 {min_ctr:.1%}，平均停留 {min_dwell:.1f} 秒",
    )


def _criteria(failed: Sequence[str]) -> Text:
    return Text(
        " and ".join(CRITERIA[c].en for c in failed), "、".join(CRITERIA[c].zh for c in failed)
    )


def _quota(quota: int) -> Text:
    return Text(f"{quota:,} impressions a day", f"每天 {quota:,} 次曝光")


def cold_start(
    activity: MerchantActivity, min_posts: int, min_activity: float, quota: int, window_days: int
) -> Text:
    q = _quota(quota)
    return Text(
        f"The shop posted {activity.posts} items in {window_days} days (at least {min_posts}) and"
        f" {activity.fan_activity:.0%} of its fans were active (at least {min_activity:.0%}):"
        f" cold start with a base quota of {q.en}.",
        f"店铺 {window_days} 天发布 {activity.posts} 条内容（至少 {min_posts} 条），粉丝活跃度"
        f" {activity.fan_activity:.0%}（至少 {min_activity:.0%}）：进入冷启动，保底{q.zh}。",
    )


def promoted(to: Stage, seen: Text, needed: Text, quota: int) -> Text:
    name, q = STAGE_NAMES[to], _quota(quota)
    return Text(
        f"Promoted to {name.en}: {seen.en} meet the gate ({needed.en}); quota {q.en}.",
        f"晋级{name.zh}：{seen.zh}，达到门槛（{needed.zh}）；配额{q.zh}。",
    )


def cold_start_ended(days: int, seen: Text, failed: Sequence[str]) -> Text:
    short = _criteria(failed)
    return Text(
        f"Cold start ended after {days} days without earning a boost: {seen.en};"
        f" short on {short.en}.",
        f"冷启动 {days} 天结束，未达到助推门槛：{seen.zh}；{short.zh}不足。",
    )


def demoted(frm: Stage, to: Stage, seen: Text, keep: Text, failed: Sequence[str]) -> Text:
    was, now, short = STAGE_NAMES[frm], STAGE_NAMES[to], _criteria(failed)
    return Text(
        f"Demoted from {was.en} to {now.en}: {seen.en}, below the line to stay ({keep.en})"
        f" on {short.en}.",
        f"由{was.zh}降为{now.zh}：{seen.zh}，{short.zh}低于保级线（{keep.zh}）。",
    )


def nominated(seen: Text, needed: Text) -> Text:
    return Text(
        f"Nominated for the amplification pool: {seen.en} meet its gate ({needed.en});"
        " waiting for an operator's review.",
        f"提名进入放大池：{seen.zh}，达到门槛（{needed.zh}）；等待运营审核。",
    )


def approved(operator: str, quota: int, note: str) -> Text:
    q = _quota(quota)
    text = Text(
        f"Approved for the amplification pool by operator {operator}: recommended across"
        f" stores to fans of similar shops, quota {q.en}.",
        f"运营 {operator} 审核通过，进入放大池：向相似店铺的粉丝跨店推荐，配额{q.zh}。",
    )
    return join([text, Text(f"Note: {note}", f"备注：{note}")]) if note else text


def declined(operator: str, reason: str) -> Text:
    return Text(
        f"Not approved for the amplification pool by operator {operator}: {reason}",
        f"运营 {operator} 未通过放大池审核：{reason}",
    )


# ---- pacing ----------------------------------------------------------------------------------


def target_met(goal: int) -> Text:
    return Text(
        f"Promised exposure of {goal:,} impressions delivered; the boost stops for this period.",
        f"承诺曝光 {goal:,} 次已完成，本期加权停止。",
    )


def target_infeasible(goal: int, projected: float, delivered: int) -> Text:
    return Text(
        f"Promised exposure of {goal:,} impressions cannot be met: at the most boost allowed, the"
        f" eligible products reach about {projected:,.0f} impressions this period"
        f" ({delivered:,} delivered so far).",
        f"承诺曝光 {goal:,} 次无法完成：在允许的最大加权下，相关商品本期约可获得"
        f" {projected:,.0f} 次曝光（已完成 {delivered:,} 次）。",
    )


# ---- refusals of an enrolment: the error carries them as ``text`` for readers of Chinese ------


def unknown_mode(value: str) -> Text:
    return Text(
        f"unknown enrolment mode {value!r} (known: pool, store)",
        f"未知的报名方式 {value!r}（可选：定向商品池 pool、全店 store）",
    )


def store_lists_none() -> Text:
    return Text(
        "a store-wide enrolment covers every product; list none",
        "全店报名已包含所有商品，请不要再列出商品",
    )


def pool_empty() -> Text:
    return Text("a targeted pool needs at least one product", "定向商品池至少需要一件商品")


def pool_too_large(limit: int, got: int) -> Text:
    return Text(
        f"a targeted pool holds at most {limit} products, got {got}",
        f"定向商品池最多 {limit} 件商品，您选择了 {got} 件",
    )


def listed_twice(product_id: str) -> Text:
    return Text(
        f"product {product_id} is listed twice in the pool",
        f"商品 {product_id} 在商品池中重复出现",
    )


def unknown_product(product_id: str) -> Text:
    return Text(f"unknown product {product_id}", f"商品 {product_id} 不存在")


def others_product(product_id: str) -> Text:
    return Text(
        f"product {product_id} belongs to another merchant; a pool takes only your own",
        f"商品 {product_id} 属于其他商家，定向商品池只能选择您自己的商品",
    )


def not_your_product(product_id: str) -> Text:
    """An unknown product and another merchant's get the same words (docs/decisions/0004)."""
    return Text(
        f"product {product_id} not found among your products",
        f"在您的商品中找不到商品 {product_id}",
    )


# ---- ranking ---------------------------------------------------------------------------------

# Why an item of a ranked list is where it is, as the integrator may show it to a merchant.
REASONS: dict[str, Text] = {
    "programme_boost": Text(
        "Shown thanks to the quality-merchant programme: the merchant's boost brought it into"
        " the list, below every item shown on its merits.",
        "优质商家计划加权：商家的计划加权使其进入列表，排在所有自然入选商品之后。",
    ),
    "ladder_boost": Text(
        "Shown thanks to its content's quota on the content ladder.",
        "内容流量阶梯：其内容的保底曝光配额使其进入列表。",
    ),
    "throttled": Text(
        "The merchant's tier is restricted: its exposure is throttled and this item is shown"
        " within its cap.",
        "商家等级为受限：曝光限流，本商品在限额内展示。",
    ),
    "boost_withheld": Text(
        "The merchant's tier is watch (or restricted, with throttling switched off): no boost"
        " of any kind applies.",
        "商家等级为观察（或为受限且限流已关闭）：不享受任何加权。",
    ),
}
