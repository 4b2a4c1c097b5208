"""The words of the simulated complaints: what goes wrong, per issue type and category root.

Each entry holds Chinese and English phrases that describe the problem the way buyers write it;
``texts`` puts them into sentences. Safety phrases carry the words a real buyer would use
(冒烟, 漏电, 发臭 / smoke, shock, rotten), so triage meets them as it would in the wild.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

__all__ = ["ASK", "PHRASES", "Phrases"]

Phrases = tuple[tuple[str, ...], tuple[str, ...]]  # (zh, en)

# (issue type, category root or "*") -> phrases. The most specific entry wins.
PHRASES: dict[tuple[str, str], Phrases] = {
    ("malfunction", "digital"): (
        ("开不了机", "充不进电", "用着用着自动关机", "屏幕突然黑屏", "按键失灵", "一直重启"),
        (
            "won't turn on",
            "stopped charging",
            "keeps shutting itself down",
            "screen went black",
            "buttons stopped working",
            "keeps rebooting",
        ),
    ),
    ("malfunction", "appliance"): (
        ("插上电没反应", "开关坏了不能用", "加热一会儿就停", "显示屏不亮", "用了几次就不转了"),
        (
            "won't turn on at all",
            "has a knob that came off",
            "stops heating after a minute",
            "display stays dark",
            "stopped working after a few uses",
        ),
    ),
    ("malfunction", "personal_care"): (
        ("充满电也不转", "震动时有时无", "开关按不动"),
        ("won't run even fully charged", "vibration cuts in and out", "power button is stuck"),
    ),
    ("malfunction", "*"): (
        ("用了没几天就坏了", "功能不正常"),
        ("broke after a few days", "doesn't work properly"),
    ),
    ("quality_defect", "digital"): (
        ("屏幕有坏点", "机身有划痕和缝隙", "摄像头里有灰", "充电口松动接触不良"),
        (
            "has dead pixels on the screen",
            "came with scratches and gaps in the body",
            "has dust inside the camera",
            "charging port is loose",
        ),
    ),
    ("quality_defect", "appliance"): (
        ("外壳有裂纹", "盖子合不严", "做工很差，螺丝都是松的"),
        (
            "has a crack in the plastic body",
            "lid doesn't close properly",
            "is poorly made, screws are loose",
        ),
    ),
    ("quality_defect", "apparel"): (
        ("穿了两次就起球", "开线了", "掉毛严重", "拉链坏了", "鞋底开胶"),
        (
            "started pilling after two wears",
            "seams came apart",
            "sheds fibres everywhere",
            "zip broke",
            "sole is coming unglued",
        ),
    ),
    ("quality_defect", "home"): (
        ("木板有裂缝", "面料一坐就破了", "漆面大面积脱落", "线头很多还有污渍"),
        (
            "wood panel is split",
            "fabric tore the first time we sat on it",
            "paint is flaking off",
            "loose threads and stains all over",
        ),
    ),
    ("quality_defect", "*"): (
        ("质量很差，有明显瑕疵", "有破损和瑕疵"),
        ("quality is poor with obvious flaws", "is flawed and damaged"),
    ),
    ("software_issue", "digital"): (
        ("系统更新后一直卡顿", "App 闪退，恢复出厂也没用", "无法连接 WiFi，系统报错", "蓝牙连不上"),
        (
            "lags badly since the system update",
            "apps crash even after a factory reset",
            "won't connect to WiFi, shows a system error",
            "Bluetooth won't pair",
        ),
    ),
    ("damaged_in_transit", "food"): (
        ("快递箱压扁了，里面的东西都碎了", "包装破了漏了一箱", "到的时候冰袋全化了还压坏了"),
        (
            "box was crushed and everything inside was smashed",
            "packaging split and leaked",
            "arrived crushed with the ice packs melted",
        ),
    ),
    ("damaged_in_transit", "home"): (
        ("送到时桌腿断了", "外包装破损，柜门摔裂了", "沙发扶手被压坏"),
        (
            "table leg was snapped on delivery",
            "box was torn and a door cracked",
            "sofa arm was crushed in transit",
        ),
    ),
    ("damaged_in_transit", "*"): (
        ("快递到的时候外箱破了，东西摔坏了", "收到就是碎的", "物流太暴力，东西压坏了"),
        (
            "box arrived torn and the item was broken",
            "was smashed when it arrived",
            "was crushed by the courier",
        ),
    ),
    ("wrong_item", "*"): (
        ("发错货了，颜色型号都不对", "收到的不是我下单的款", "少发了一个还发错了型号"),
        (
            "wrong item sent, wrong colour and model",
            "is not the one I ordered",
            "sent the wrong model",
        ),
    ),
    ("missing_parts", "home"): (
        ("安装螺丝少了一包", "缺了两块板子装不起来", "说明书和配件都没有"),
        (
            "a bag of screws is missing",
            "two panels are missing so it can't be assembled",
            "no manual and no fittings in the box",
        ),
    ),
    ("missing_parts", "appliance"): (
        ("遥控器没有", "少了底座和轮子", "说明书和配件都没有"),
        (
            "came without the remote control",
            "is missing its wheels and stand",
            "came with no manual and no fittings",
        ),
    ),
    ("missing_parts", "food"): (
        ("说好的两斤只有一斤多", "礼盒里少了两袋"),
        ("is well under the weight stated", "gift box is missing two packs"),
    ),
    ("missing_parts", "*"): (
        ("少了配件，充电线没有", "缺少配件", "盒子里少东西"),
        ("came without the charging cable", "parts are missing", "box is missing pieces"),
    ),
    ("size_fit", "apparel"): (
        ("尺码偏小，按尺码表买的穿不上", "太大了，袖子长出一截", "偏小半码，穿着太紧"),
        (
            "runs small, I followed the size chart and can't get it on",
            "is far too big, sleeves way too long",
            "runs half a size small and is too tight",
        ),
    ),
    ("size_fit", "home"): (
        ("尺寸太大，放不进客厅", "比页面写的尺寸小很多", "窗帘短了一截"),
        (
            "is too big for our living room",
            "is much smaller than the listed size",
            "curtains are too short",
        ),
    ),
    ("colour_difference", "*"): (
        ("颜色和图片差别很大", "实物颜色发暗，色差严重", "买的米白色收到是黄色"),
        (
            "colour looks nothing like the photos",
            "is much darker than pictured",
            "ordered off-white and got yellow",
        ),
    ),
    ("not_as_described", "food"): (
        ("个头比描述小很多，也不新鲜", "说是当天现摘，收到都蔫了", "和详情页写的产地不一样"),
        (
            "is much smaller than described and not fresh",
            "was sold as picked today but arrived wilted",
            "is not from the origin the listing claims",
        ),
    ),
    ("not_as_described", "apparel"): (
        ("写的纯羊毛，实际是化纤", "面料和描述不符，很薄", "和详情页的款式不一样"),
        (
            "listed as pure wool but it's synthetic",
            "fabric is thin, not as described",
            "style differs from the listing",
        ),
    ),
    ("not_as_described", "*"): (
        ("和描述的不一样，参数虚标", "实物和宣传差太多", "功能缺失，页面写的功能没有"),
        (
            "isn't as described, the specs are inflated",
            "is nothing like the advert",
            "is missing features the listing promised",
        ),
    ),
    ("care_damage", "apparel"): (
        ("按正常方式洗了一次就缩水严重", "洗后变形缩了一个码", "洗了一次就褪色串色"),
        (
            "shrank badly after one wash",
            "lost its shape and shrank a size after washing",
            "faded after one wash and the colour ran",
        ),
    ),
    ("care_damage", "home"): (
        ("洗了一次就起球褪色", "洗后缩水，被套小了一圈"),
        ("pilled and faded after one wash", "shrank in the wash and no longer fits the duvet"),
    ),
    ("late_delivery", "food"): (
        ("说好次日达，拖了四天才到，已经不能吃了", "物流延误三天，冰袋早化了"),
        ("promised next-day but took four days", "was delayed three days and the ice had melted"),
    ),
    ("late_delivery", "*"): (
        ("承诺两天发货，一周了还没到", "物流一直不动，延误了好几天"),
        (
            "promised to ship in two days, still not here after a week",
            "tracking hasn't moved for days",
        ),
    ),
    ("electrical_hazard", "*"): (
        ("摸外壳手麻，好像漏电", "插上电源插头打火花", "一开就跳闸", "碰到金属部分被电了一下"),
        (
            "gave me an electric shock when I touched the casing",
            "plug sparks when I switch it on",
            "trips the breaker every time",
            "I got a shock from the metal grille",
        ),
    ),
    ("fire_overheat", "appliance"): (
        ("开了两个小时插头烧焦了，有焦味", "用着用着冒烟了", "电源线发烫，外壳都烤化了"),
        (
            "plug was scorched after two hours with a burning smell",
            "started smoking while running",
            "cord got so hot the casing melted",
        ),
    ),
    ("fire_overheat", "digital"): (
        ("充电的时候鼓包了，烫得拿不住", "电池鼓起来了，还冒烟", "放在桌上突然发烫冒烟"),
        (
            "swelled up while charging and got too hot to hold",
            "battery bulged and started to smoke",
            "got hot and started smoking on the desk",
        ),
    ),
    ("food_spoilage", "food"): (
        (
            "打开就一股臭味，已经变质了",
            "肉发黏有异味，吃了拉肚子",
            "螃蟹到的时候都死了发臭",
            "水果烂了还长毛",
        ),
        (
            "smelled rotten as soon as I opened it",
            "meat was slimy and smelled off, we got diarrhoea",
            "crabs arrived dead and stinking",
            "fruit was rotten and mouldy",
        ),
    ),
}

# What the buyer asks for, by case type.
ASK: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "return_refund": (
        ("申请退货退款。", "要求退货退款。", "我要退货。"),
        (
            "I want to return it for a refund.",
            "Please take it back and refund me.",
            "I'd like a return and refund.",
        ),
    ),
    "refund_only": (
        ("要求仅退款。", "东西不用寄回了，退款吧。"),
        ("Please refund me, I don't want to send it back.", "I'm asking for a refund only."),
    ),
    "exchange": (
        ("麻烦给我换一个。", "申请换货。"),
        ("Please send me a replacement.", "I'd like an exchange."),
    ),
    "repair": (
        ("请安排维修。", "要求保修维修。"),
        ("Please arrange a repair.", "I'd like it repaired under warranty."),
    ),
    "complaint": (
        ("希望平台管一管。", "必须给个说法。"),
        ("I want the platform to look into this.", "I expect an explanation."),
    ),
    "safety_report": (
        ("太危险了，请尽快处理！", "家里有孩子，吓坏了，请马上处理。"),
        (
            "This is dangerous, please act now!",
            "We have kids at home, please deal with this urgently.",
        ),
    ),
}
