"""What the simulated people write besides complaints: merchants' replies and notes, buyers'
reasons and rating comments, operators' verdict notes. Chinese or English, as the buyer wrote.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import numpy as np

__all__ = ["say"]

_LINES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "holding": (
        ("您好，已收到您的反馈，我们正在核实，请稍等。", "亲，问题已登记，仓库正在查询批次信息。"),
        (
            "Hello, we have your report and are looking into it.",
            "Thanks, we've logged this and are checking the batch records.",
        ),
    ),
    "completed": (
        (
            "退款已原路退回，请注意查收。",
            "换货已发出，单号已更新。",
            "维修已完成并寄回。",
            "已处理完毕。",
        ),
        (
            "The refund has been paid back to your account.",
            "The replacement has been shipped.",
            "The repair is done and the item is on its way back.",
            "This has been taken care of.",
        ),
    ),
    "unfair": (
        ("这个方案不合理，商品本身就有问题。", "补偿太少了，不接受。", "我要的是退款，不是这个。"),
        (
            "That isn't fair, the product itself is faulty.",
            "That compensation is far too low.",
            "I asked for a refund, not this.",
        ),
    ),
    "escalate": (
        (
            "商家一直推脱，申请平台介入。",
            "和商家沟通无果，请小二处理。",
            "商家拒绝合理要求，要求平台仲裁。",
        ),
        (
            "The merchant keeps stalling, I'm asking the platform to step in.",
            "We can't agree, please arbitrate.",
            "The merchant refuses a fair request.",
        ),
    ),
    "merchant_escalate": (
        ("买家要求不合理，申请平台判定。",),
        ("The buyer's demand is unreasonable; we ask the platform to decide.",),
    ),
    "cancel": (
        ("问题自己解决了，撤销申请。", "不需要了，谢谢。"),
        ("Sorted it out myself, withdrawing the request.", "No longer needed, thanks."),
    ),
    "appeal": (
        ("对判定结果不服，提出申诉。", "有新的证据，申请复核。"),
        ("We disagree with the verdict and appeal.", "We have new evidence and ask for a review."),
    ),
    "verdict_consumer": (
        ("经核实为商品问题，支持买家诉求。", "证据显示问题由商家责任导致，按方案处理。"),
        (
            "The evidence shows a product fault; the buyer's request is upheld.",
            "The problem is the merchant's responsibility; remedy as decided.",
        ),
    ),
    "verdict_logistics": (
        ("经核实为运输损坏，由物流承担。",),
        ("Damaged in transit: the carrier bears it.",),
    ),
    "verdict_care": (
        ("护理方式与洗涤标签不符，提供护理建议。",),
        ("The care used breaks the care label: care advice is given.",),
    ),
    "verdict_merchant": (
        ("商品描述准确且无质量问题，不支持该诉求。",),
        ("The listing is accurate and there is no fault; the request is declined.",),
    ),
    "praise": (
        ("处理很快，满意。", "客服态度很好。", "解决得很及时。"),
        ("Quick and fair, thank you.", "Very helpful service.", "Sorted out fast."),
    ),
    "complain": (
        ("处理太慢了。", "推来推去，体验很差。", "最后还是靠平台才解决。"),
        ("Far too slow.", "They kept passing the buck.", "Only the platform got this sorted."),
    ),
}


def say(what: str, language: str, rng: np.random.Generator) -> str:
    """One line of the given kind in the given language (zh unless en)."""
    zh, en = _LINES[what]
    options = en if language == "en" else zh
    return options[int(rng.integers(len(options)))]
