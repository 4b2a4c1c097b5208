"""The hazard lexicon's data: terms per family and language, the contexts some terms need, and
the phrases that look like hazards but are not.

A term is a regular expression on normalised text (see ``text.normalise``: lower case, NFKC,
ASCII punctuation). A term with a context counts only when the context's pattern occurs near it,
or when the complaint's category is under one of the context's roots: 「头发」 is a hazard in a
takeaway and the subject of a shampoo review; "bug" is an insect in a salad and a defect in an
app. Terms without a context count wherever they appear. English patterns are wrapped in letter
boundaries by the engine (not ``\\b``, which fails between a Han character and a Latin letter).

Masks are blanked out before anything is matched. They are the senses in which a hazard word
means nothing dangerous (「火爆」, 「漏电保护」, 「屏幕划伤」 needs no mask because 划伤 needs a
body part; "smoke grey", "burn-in", "blood pressure", "colour bled").
"""

# Chinese text uses full-width punctuation on purpose.

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CONTEXTS", "EN_MASKS", "EN_TERMS", "ZH_MASKS", "ZH_TERMS", "Context", "TermSpec"]


@dataclass(frozen=True, slots=True)
class Context:
    zh: str
    en: str
    roots: frozenset[str] = frozenset()


# (family, context key or None, patterns)
TermSpec = tuple[str, str | None, tuple[str, ...]]

_BODY_ZH = (
    "手指|手上|手掌|手背|手心|手腕|双手|小手|的手|手臂|手被|手给|脚上|脚趾|脚背|脚底|的脚|脚被|脚踝|"
    "腿上|大腿|小腿|腿被|的腿|胳膊|脸|额头|头上|头部|头皮|眼睛|皮肤|嘴|腰|膝盖|孩子|宝宝|小孩|儿子|"
    "女儿|老人|伤人|家人|大人|身上|到脚|到手|伤脚|伤手|破手|破脚|到腿|伤腿"
)

CONTEXTS: dict[str, Context] = {
    "food": Context(
        zh="吃|喝|饭|菜|汤|面条|拉面|泡面|面包|面粉|米饭|大米|米粉|米线|粥|肉|外卖|饺子|包子|馒头|"
        "蛋糕|零食|饼干|饮料|牛奶|酸奶|水果|碗|饭盒|餐盒|打包盒|套餐|午餐|晚餐|早餐|快餐|点餐|食|嘴|咬|"
        "牙膏|面霜|膏体|乳液|瓶里|罐里",
        en="eat|eating|ate|eaten|food|meal|soup|salad|rice|noodles?|bread|cake|cereal|flour|"
        "snacks?|biscuits?|cookies?|chocolate|milk|yog(?:h)?urt|juice|drink|bottle|jar|can|"
        "packet|dish|takeaway|takeout|burger|pizza|sandwich|fruit|veg(?:etables?|gies)?|meat|"
        "chicken|pork|beef|fish|bite|mouth|chew(?:ed|ing)?|tea|coffee|box of|bag of|"
        "dumplings?|curry|pasta|steak|eggs?|cheese|ham|sausages?|bit into|bites?|bitten|granola|"
        "cereal bar|broccoli|lettuce|toothpaste|cream",
        roots=frozenset({"food"}),
    ),
    "body": Context(
        zh=_BODY_ZH,
        en="hands?|fingers?|thumbs?|skin|arms?|legs?|foot|feet|face|head|knees?|toes?|wrists?|"
        "ankles?|child|kid|son|daughter|baby|toddler|myself|himself|herself|forehead|shin",
    ),
    "device": Context(
        zh="电池|充电|插头|插座|插排|排插|电线|电源|适配器|主板|手机|电脑|笔记本|平板|机器|机身|机子|"
        "电机|马达|锅|壶|灯|取暖|暖风|电暖|吹风|烤箱|微波炉|电饭煲|电磁炉|外壳|底座|开关|风扇|"
        "热水器|空调|电热|发热丝|线路|电路|热水袋|按摩",
        en="battery|batteries|charger|charging|cable|cord|wire|wiring|plug|socket|outlet|"
        "adapter|adaptor|power|phone|laptop|tablet|device|unit|heater|kettle|toaster|microwave|"
        "oven|fryer|blender|appliance|motor|machine|casing|port|bank|bulb|lamp|dryer|iron|"
        "radiator|console|controller|earbuds?|headphones?|brush|straightener|curler|shaver|"
        "toothbrush|heated",
        roots=frozenset({"digital", "appliance"}),
    ),
    "skin": Context(
        zh="皮肤|脸|面部|身上|全身|手指|手上|手背|脖子|眼睛|眼周|嘴唇|头皮|孩子|宝宝|用了|涂|抹|擦了|敷",
        en="skin|face|scalp|eyes?|lips?|cheeks?|hands?|forehead",
        roots=frozenset({"personal_care"}),
    ),
    "child": Context(
        zh="孩子|宝宝|小孩|儿童|婴儿|幼儿|娃|小朋友|宝贝|嘴里|吞",
        en="kids?|child|children|baby|babies|toddlers?|sons?|daughters?|infants?|"
        "little ones?|years? old|year-old|months? old|month-old|mouth",
    ),
}

# fmt: off
ZH_TERMS: tuple[TermSpec, ...] = (
    ("fire", None, (
        "着火", "起火", "失火", "燃起来", "烧起来", "冒烟", "冒黑烟", "冒白烟", "冒青烟", "喷火",
        "火苗", "明火", "扑灭", "自燃", "爆炸", "爆燃", "爆裂", "烧焦", "焦味", "焦糊味", "糊焦味",
        "烧胶味", "烧塑料", "塑料烧", "烧黑", "熏黑", "发烫", "烫手", "过热", "温度过高", "火星子",
        "冒火星", "烟雾报警", "点着了", "差点点着", "烤化", "烤焦", "烤糊", "烫化", "焦臭", "烤黄",
        "吹黄", "熏黄", "冒(?:出|了|着)?(?:一缕|一股|一阵|一团|一些|点|些)?(?:青|黑|白)?烟",
        "烧焦味", "糊味.{0,4}(?:插座|插头|电线)", "烫(?:到|得)(?:不能|不敢|没法|拿不住)",
        "把[^，。,.!?]{0,6}点着", "烧坏", "烧毁", "烧断", "烧穿",
        "(?:电机|马达|主板|插头|插座|电线|线路|电路|保险丝|电源|适配器|充电器|电池|灯泡|芯片|电容"
        "|发热丝|电热丝|线)(?:都|也|直接|竟然|居然)?烧(?:了|掉)",
    )),
    ("fire", "device", (
        "糊味", "冒火", "焦(?:黄|黑|了)", "(?:热|烫)得(?:跟|像)", "(?:啪|砰|嘭)的一声", "融化",
        "熔化", "熔掉", "温度太高", "要炸", "发黑", "鼓包", "鼓起来", "烫(?:变形|化|坏|焦|黄|出)",
        "火花", "打火", "噼啪", "(?:很|太|特别|非常|超|巨|超级|贼|好|真|挺|有点|这么|那么)烫",
        "烫得", "烫死", "热得不行", "热得发烫", "发热(?:严重|厉害|很厉害|很严重|特别厉害)",
        "(?:严重|异常)发热", "烧了(?=[，。,.!?;；]|$)", "(?:炸了|炸开|爆了|爆开|爆掉|炸掉)",
    )),
    ("electric", None, (
        "漏电", "触电", "电击", "被电(?!话|视|脑|梯|商|信|池|动|子|费|影|量|源|瓶|饭|风|器|线|台)",
        "(?<!充)(?<!来)(?<!停)电到(?=了|我|手|人|他|她|孩子|宝宝)", "(?<!充)电了(?:我|一下|两下)",
        "电麻", "麻手", "手麻", "短路", "电弧", "(?:碰|摸)[^，。,.!?]{0,5}(?:闪|火花)",
        "(?:胳膊|手|手臂|身上|背上|腿|手指)[^，。,.!?]{0,3}(?:一麻|发麻|麻了)", "有电(?:的)?感",
        "没(?:有)?接地", "接地不良", "(?:看到|露出|能看到|露着)[^，。,.!?]{0,4}铜(?:丝|线)",
        "(?:摸|碰|触)[^，。,.!?]{0,6}(?:发麻|麻的|麻麻|一麻)", "摸(?:着|上去|起来)?(?:有电|带电)",
        "(?:空开|空气开关|总闸|电闸)[^，。,.!?]{0,4}(?:跳|打下|掉)", "跳闸", "跳了闸", "露铜",
        "铜线露", "电流感", "有电流(?!声)", "电线(?:是|都|直接)?裸露",
        "裸露(?:的)?(?:电线|铜线|线头)", "露出[^，。,.!?]{0,4}(?:铜线|电线|铜丝)", "绝缘皮破",
        "(?:外壳|机身|金属|表面|壳子|壶身|锅身|把手|手柄|整个|水里|水)(?:都|也|会|竟然|居然)?带电",
        "(?:有点|会|竟然|居然|好像|还)带电",
        "漏电保护(?:器|开关)?(?:一直|总是|老是|直接|马上|立刻|就)?跳",
    )),
    ("electric", "device", (
        "发麻", "麻麻的",
    )),
    ("spoilage", None, (
        "变质", "发霉", "霉变", "长霉", "哈喇味", "哈味", "油哈", "氨水味", "氨味", "跑厕所",
        "(?:奶|牛奶|酸奶)[^，。,.!?]{0,6}(?:结块|一块一块|豆腐花|凝固)",
        "胃[^，。,.!?]{0,4}(?:翻江倒海|难受|不舒服|绞痛)", "霉点", "霉斑", "长绿毛", "长白毛",
        "馊", "酸臭", "发臭", "腐烂", "烂果", "过期", "胀袋", "胀包", "涨袋", "鼓袋", "拉肚子",
        "拉稀", "腹泻", "闹肚子", "上吐下泻", "食物中毒", "中毒", "肠胃炎",
    )),
    ("spoilage", "food", (
        "长毛", "有霉", "霉味", "臭了", "有臭味", "臭味", "烂(?:了|掉|的|得)", "坏掉",
        "(?:蛋|肉|菜|果|奶|鱼|虾|饭|汤|都|已经|全|早就|全部|有点|有些|一半|放)坏了", "漏气",
        "发酸", "变酸", "肚子(?:就|都|一直|有点|开始|好|很)?(?:疼|痛)", "胃疼", "胃痛", "呕吐",
        "吐了", "想吐", "变味", "有异味", "怪味", "(?:闻着|闻起来|有点|很|好|特别|巨|发)臭",
        "臭烘烘", "烂(?:心|成)", "黏黏的", "发黏", "是黏的", "霉", "臭", "腥臭", "冲鼻", "发酵",
        "酒味", "鼓起来", "(?:明显|已经|肯定)坏(?:了|的)", "坏(?:了|掉)的味",
        "绿(?:色的)?(?:斑点|斑|点)", "(?:有股|一股|吃出|喝出|闻到|有点)酸味", "是酸的",
        "不新鲜.{0,4}(?:臭|味)",
    )),
    ("foreign_object", None, (
        "异物", "苍蝇", "蟑螂", "蛆", "老鼠屎", "鼠屎", "老鼠",
        "(?:里|里面|里边|内)(?:有|发现|夹着|混着)(?:一|几|两)?(?:根|些|缕)?(?:长)?(?:头发|毛发)",
        "(?:里|里面|里边)(?:有|发现)(?:一|几|两)?(?:只|条|个|些)?(?:小)?(?:虫|飞虫|苍蝇)",
        "(?:吃|喝)出(?:了|来)?(?:一|几|两|半)?(?:根|个|只|条|块|片|颗|粒|坨|堆|团)",
    )),
    ("foreign_object", "food", (
        "头发", "毛发", "虫", "钢丝球", "塑料绳", "铁片", "铁皮", "铁钉", "絮状物", "漂浮物",
        "沉淀物", "飞蛾", "蛾子", "蜘蛛", "蚂蚁", "不明物", "螺丝帽", "螺母", "橡皮筋", "皮筋",
        "手套", "布条", "碎渣", "杂质", "不明颗粒",
        "(?:黑|白|黄)色(?:的)?(?:小)?(?:颗粒|碎渣|渣子)",
        "(?:一块|一片|一根|一小块|硬|碎)[^，。,.!?]{0,3}塑料", "玻璃渣", "玻璃碴", "碎玻璃",
        "玻璃碎片", "铁丝", "钢丝", "铁屑", "金属片", "金属丝", "塑料片", "塑料块", "塑料丝",
        "塑料碎片", "石子", "石头", "沙子", "指甲", "创可贴", "烟头", "纸屑", "鱼钩",
        "咬到.{0,3}(?:硬|石|铁|玻璃|塑料)",
    )),
    ("allergy", None, (
        "过敏", "起疹子", "疹子", "红疹", "皮疹", "荨麻疹", "红肿", "烂脸", "脸肿", "嘴唇肿",
        "喉咙肿", "(?:眼睛|脸|嘴|嘴唇|眼皮|喉咙|舌头)[^，。,.!?]{0,2}肿",
        "(?:皮肤|身上|全身|头皮|脖子)[^，。,.!?]{0,2}痒", "呼吸困难", "喘不上气", "喘不过气",
        "红疙瘩", "起疙瘩", "风团", "溃疡", "风疹", "(?:眼睛|鼻子)[^，。,.!?]{0,3}痒",
        "(?:脸|两颊|脸颊|皮肤)[^，。,.!?]{0,3}(?:红得|发红|泛红|通红)",
        "起(?:了)?(?:很多|好多|一些|一片|一堆|一大片)?(?:小)?红点",
    )),
    ("allergy", "skin", (
        "起包", "肿了", "肿起来", "起皮", "刺痛", "红斑", "又红又肿", "又红又痒", "痒(?:得|死|痒)",
        "又痒", "好痒", "起了[^，。,.!?]{0,3}(?:红包|小包|疙瘩|红斑|红印|水泡|小泡)", "灼烧感",
        "烧灼感", "发痒", "瘙痒", "很痒", "奇痒", "起痘", "爆痘", "脱皮", "小疙瘩",
    )),
    ("injury", None, (
        "受伤", "受了伤", "弄伤", "割伤", "割手", "划手", "扎伤", "刺伤", "烫伤", "烧伤", "夹伤",
        "砸伤", "摔伤", "摔倒", "跌倒", "流血", "出血", "伤口", "缝针",
        "缝了(?:几|[0-9一二三四五六七八九十两]+)针", "骨折", "骨裂", "住院", "送医", "急诊",
        "磕伤", "昏迷", "(?:去|到|送|进|跑|上)(?:了)?医院", "医院(?:检查|看|处理|包扎|缝)",
        "烫起泡", "淤青", "擦伤", "血泡", "滑倒", "(?:腿|手|头|脚|手指)卡(?:进|在|住)", "断针",
        "针头", "(?:一根|有根|留了|留着|忘了拿的)(?:缝衣|大头|别)?针",
        "卷(?:到|进)(?:了)?[^，。,.!?]{0,3}(?:手|手指|头发)",
        "打(?:在|到)(?:了)?(?:我|他|她|孩子)?(?:的)?(?:脸|头|下巴|眼睛|鼻子|嘴)",
        "(?:我|他|她|孩子|宝宝|小孩|老人|人|妈|爸|老公|老婆)(?:的手|的脚|的腿)?(?:被|给)[^，。,.!"
        "?]{0,4}(?:划|割|扎|夹|砸|烫|刺|弄)(?:伤|破|到|了)",
    )),
    ("injury", "body", (
        "伤到", "伤了", "划伤", "划破", "割破", "扎破", "扎到", "烫到", "烫红", "夹到", "砸到",
        "磕破", "破皮", "起了?水泡", "青了", "晕倒", "口子", "摔了一跤", "摔下来", "掉下来砸",
        "肿了一个包", "青了一块",
    )),
    ("choking", None, (
        "噎住", "噎到", "噎着", "卡(?:在|住)?喉咙", "卡嗓子", "卡喉", "窒息",
        "勒(?:住|到)?[^，。,.!?]{0,4}脖子", "缠(?:住|到)[^，。,.!?]{0,4}脖子",
    )),
    ("choking", "child", (
        "误吞", "吞(?:下|进)(?:去|了)?", "小零件(?:掉|脱落|松动)", "零件脱落",
        "(?:纽扣|扣子|眼睛|珠子)(?:掉|脱落)", "塞进(?:嘴|鼻子|耳朵)", "放进嘴",
    )),
)

ZH_MASKS: tuple[str, ...] = (
    "(?:防|带|有|无)?漏电保护(?:器|开关|插头|功能|装置)?(?![^，。,.!?;；]{0,4}跳)", "防漏电",
    "打火机", "(?:快|即将|马上|快要|临近|将要)过期", "临期", "过期时间", "保质期",
    "(?:券|优惠|红包|链接|活动|会员|积分|保修|质保|三包|验证码|二维码)[^，。,.!?]{0,3}过期",
    "烧屏", "发烧友", "发烧级", "防过热", "过热保护(?![^，。,.!?]{0,3}(?:启动|跳|了))", "防爆",
    "爆款", "火爆", "爆单", "打爆", "爆满", "爆棚", "爆表", "爆品", "炸裂", "炸鸡", "炸串", "炸酱",
    "油炸", "炸薯", "炸物", "炸货", "火锅", "防过敏", "抗过敏", "低敏", "过敏原", "致敏原", "防烫",
    "防霉", "防虫", "防蛀", "虫草", "臭豆腐", "臭鳜鱼", "螺[蛳狮丝]粉", "倒霉", "霉运",
    "(?:脾气|名声|态度|嘴|脸)[^，。,.!?]{0,2}臭", "臭(?:脾气|名|架子|脸)", "臭美", "臭屁",
    "发酵粉", "霉干菜", "梅干菜", "(?:黑|白)?(?:芝麻|胡椒|花椒)(?:粒|颗粒)", "电话.{0,2}爆",
    "心态.{0,2}(?:炸|爆)", "气炸", "笑吐", "吐槽",
    "(?:包装|盒子|箱子|纸箱|袋子|快递|外箱|封口|标签|瓶子|瓶盖)[^，。,.!?]{0,3}(?:烂|坏)",
    "(?:很|好|真|太|心)受伤", "(?:卡|烂|慢|差|好|帅|美|火|贵)(?:到|得)?爆炸", "卡炸", "卡爆",
    "(?:跟|像|和|如)(?:块)?石头",
)

EN_TERMS: tuple[TermSpec, ...] = (
    ("fire", None, (
        "caught fire", "catch(?:es|ing)? (?:on )?fire", "on fire", "burst into flames?", "flames?",
        "fire hazard", "fire risk", "(?:started|start|starting|set) (?:a )?fire",
        "smok(?:e|ed|es|ing|y)", "sparks?", "spark(?:ed|ing|s)", "burning smell",
        r"smell(?:s|ed|ing)? (?:of|like) burn(?:ing|t|ed)?(?: \w+)?", "(?:burnt|burned) smell",
        "smells? (?:burnt|burned)", "scorch(?:ed|ing|es)?(?: marks?)?", "burn marks?",
        "overheat(?:s|ed|ing)?", "over-heat(?:s|ed|ing)?", "too hot to (?:touch|hold|handle)",
        "hot to the touch", "explo(?:de|ded|des|ding|sion)", "swollen battery", "bulging battery",
        "puffy battery",
        "battery (?:is |has |had |was )?(?:swollen|swelling|swelled|bulging|puffed|expanded)",
        "fire (?:alarm|brigade|department|extinguisher)", "smoke alarm",
        "smell(?:ed|s|ing)? (?:something |of something )?burn(?:ing|t)",
        "burn(?:t|ing|ed) (?:plastic|rubber)", "melt(?:ing|ed) (?:plastic|rubber)",
        "(?:fried|frying|fries) (?:the |my |its )?(?:motherboard|board|circuits?|charger|port|bat"
        "tery|socket|outlet|electronics)",
        # "fire" as a noun needs an article or a kind of fire before it: bare "fire" is praise
        # ("this phone is fire"), and "fire up" starts an engine or a grill. The article is a
        # look-behind so that the search starts at "fire", not at every "a" and "the".
        r"(?<=\ba )fire(?! (?:up|off|away))", r"(?<=\bthe )fire(?! (?:up|off|away))",
        "(?:electrical|engine|battery|kitchen|house|car|grease|chimney|small|big|huge|massive) fi"
        "res?",
        "fires? (?:broke out|started|spread)", "(?:risk|danger|threat|source|cause) of fire",
        "ignit(?:e|ed|es|ing)", "smou?lder(?:s|ed|ing)?", "singe(?:d|s)?", "singeing",
        "thermal runaway", "burn(?:ed|t|s)? (?:down|to the ground)",
        "(?:burn(?:ing|t|ed)|electric(?:al)?) (?:odou?rs?|stench)",
        "(?:odou?r|stench) of (?:burn(?:ing|t)|melting)", "electric(?:al)? smell",
    )),
    ("fire", "device", (
        "melt(?:ed|ing|s)?", "blew up", "burnt out", "burned out", "swollen", "bulging",
        "balloon(?:ed|ing)", "bang and (?:a )?flash", "flash(?:ed)? came out", "blackened",
        "charred", "charring", "puffed up",
        "(?:too|extremely|dangerously|scalding|scorching|burning|boiling|insanely|ridiculously|in"
        "credibly|crazy|super) hot",
        "(?:is|was|are|were|gets?|got|getting|became|becomes|becoming|runs?|ran|running|feels?|fe"
        "lt) (?:so|very|really|extremely|super|too|incredibly|dangerously|crazy|insanely|scary) h"
        "ot", "very hot (?:when|while|after|during)",
    )),
    ("electric", None, (
        "electric(?:al)? shocks?", r"electrocut\w*",
        r"(?:got|get|getting|gave|gives|give|giving) (?:me |him |her |us |them |you |my \w+ )?(?:"
        "a |an )?(?:electric |electrical |small |little |nasty |mild |big |real )?shocks?",
        "shocked (?:me|him|her|us|them|my)", "shocks (?:me|him|her|us|you)", "zap(?:ped|s|ping)",
        "(?:leak(?:s|ed|ing)?|leakage of) (?:electricity|current|power|voltage)",
        "(?:current|electric(?:al)?|earth) leak(?:age|ing|s)?",
        "live (?:casing|case|metal|body|chassis)", "(?:casing|case|body|metal|chassis) is live",
        "short(?:ed|ing)? (?:out|circuit(?:ed)?)", "short-circuit(?:ed|s)?",
        "trip(?:s|ped|ping)? (?:the |our |my )?(?:breaker|fuse|rcd|gfci|circuit|switch|power)",
        "(?:blew|blow|blows|blown) (?:a |the |our )?fuses?",
        "exposed (?:wires?|copper|wiring|metal)", "bare (?:copper )?wires?", "bare copper",
        "frayed (?:cables?|cords?|wires?)", "electrified", r"tingl\w* when (?:i |you |we )?touch",
        r"(?:rcd|breaker|fuse|gfci|trip switch)e?s? (?:keeps? |kept )?(?:trip\w*|flip\w*|blow\w*|"
        "go(?:es)? off)", "(?:see|exposed|visible) (?:the )?copper", "electric(?:al)? current",
        "(?:flash(?:es|ing)?|sparks?|spark(?:ed|ing)) (?:when|if) (?:i |you |we )?touch", "arcing",
        "(?:an |electric(?:al)? )arc",
        "(?:knocks?|knocked) out (?:the |our |my )?(?:circuit )?(?:breaker|fuse)",
        "live wires?", "shock (?:hazard|risk)", "risk of (?:an? )?(?:electric(?:al)? )?shocks?",
    )),
    ("electric", "device", (
        "tingl(?:e|es|ed|ing)",
    )),
    ("spoilage", None, (
        "spoil(?:ed|t)", "mou?ld(?:y)?", "rancid",
        "past (?:its |the )?(?:use-by|use by|best-before|best before|expiry|expiration|sell-by|se"
        "ll by) date", "expired", "food poisoning", "diarrh(?:o)?ea", "vomit(?:ed|ing|s)?",
        "threw up", "throwing up", "(?:stomach|tummy) (?:ache|aches|cramps?|pains?|upset|bug)",
        "upset stomach", "(?:got|get|getting|fell|became|been) (?:so |really |very )?(?:sick|ill)",
        r"made (?:me|us|him|her|them|my \w+|the \w+) (?:so |really |very )?(?:sick|ill)",
        "sick after", r"(?:was|were|been|all|everyone) (?:\w+ )?sick",
        "(?:bloated|swollen|bulging|puffed) (?:packets?|packs?|bags?|cans?|lids?|packages?|pouch("
        "?:es)?)",
        "salmonella", "listeria", r"e\.? ?coli", "botulism", "poison(?:ed|ing|ous)",
    )),
    ("spoilage", "food", (
        "rott(?:en|ing)", "gone off", "went off", "gone bad", "went bad", "sour(?:ed)?",
        "smell(?:s|ed)? off", "slimy", "fermented", "musty", "fuzz(?:y)?", "furry", "fizzing",
        "cramp(?:s|ing|ed)?", r"tast\w* (?:like )?(?:alcohol|vinegar|fermented)",
        "tast(?:es|ed|ing) off", "stinks?", "stinking", "stank", "swollen", "bloated", "bulging",
        "out of date", "smell(?:s|ed)? (?:awful|horrible|rotten|terrible)",
        "nause(?:a|ous|ated)",
    )),
    ("foreign_object", None, (
        "foreign (?:object|body|bodies|matter|material|item|thing)s?", "cockroach(?:es)?",
        "roach(?:es)?", "maggots?", "weevils?", "(?:rat|mouse|rodent) droppings",
    )),
    ("foreign_object", "food", (
        "hairs?", "strands? of hair", "bugs?", "insects?", "worms?", "larvae", "flies",
        "(?:dead|live|living) (?:fly|spider|ant|ants)", "ants",
        "(?:piece|pieces|shard|shards|bits?|fragments?|chunks?|splinters?) of (?:broken )?(?:glas"
        "s|metal|plastic|wire|stone|rock|wood)", "glass shards?", "metal shavings?", "band-?aid",
        "plaster", "fingernail", "(?:stone|pebble|screw|bolt|staple) in", "droppings",
        "(?:a )?fly in", "caterpillars?", "slugs?", "snails?", "spiders?", "moths?", "beetles?",
        "mites", "grubs?", "grit", "twist ties?", "gloves?", "crickets?", "staples?",
        "eyelash(?:es)?", "(?:rubber|elastic) bands?", "specks?", "sediment", "webbing",
        "(?:floaty|floating) (?:bits|things|particles|stuff)",
        "(?:flakes?|slivers?|shavings?) of (?:metal|glass|plastic)", "sand", "steel wool",
        "cigarette (?:butt|end)s?",
    )),
    ("allergy", None, (
        "allerg(?:y|ic|ies)", "rash(?:es)?", "hives", r"anaphyla\w*", "epi-?pen",
        "(?:swollen|swelling|puffy|puffed up) (?:face|lips?|eyes?|throat|tongue|eyelids?)",
        "(?:face|lips?|eyes?|throat|tongue) (?:swelled|swelled up|swollen|puffed up|blew up)",
        "(?:couldn't|could not|can't|cannot|hard to|struggl(?:ed|ing) to|trouble) breath(?:e|ing)",
        "(?:red|itchy) (?:bumps|welts|blotches)", "welts", "itchy (?:patches|spots)",
        "broke out in", r"(?:lips?|mouth|tongue) (?:tingl\w+|went numb|numb)", "ulcers?",
        r"sneez\w+", "(?:itchy|streaming|watery) (?:eyes|nose)",
        "(?:skin|eye|eyes|scalp|throat) irritation", "dermatitis",
        "irritat(?:ed|es|ing) (?:my|his|her|their|the) (?:skin|eyes?|scalp|face|throat)",
        "burn(?:s|ing) (?:my|his|her|their|the baby's) (?:skin|face|scalp|eyes?|lips?)",
    )),
    ("allergy", "skin", (
        "itch(?:y|ing|ed)", "burning sensation", "stings?", "stinging", "red and sore", "peeling",
        "breakouts?", "broke me out", "broke out", "swollen", "swelling", "swelled", "puffy",
        "weeping", "flaky", "blotchy", "redness",
    )),
    ("injury", None, (
        "injur(?:y|ies|ed|ing|e)",
        "(?:cut|sliced|gashed|nicked) (?:my|his|her|their|our|myself|himself|herself)",
        "cut (?:on|by) (?:the|a|it|its|this)", "bleed(?:ing|s)?", "bled", "blood",
        "(?:needed|need|needs|got|get|required|had|[0-9]+|two|three|four|five|six|few|several) st"
        "itches", "emergency room", "a&e", "urgent care", "hospital(?:ised|ized)?",
        "fractur(?:e|ed|es|ing)", "sprain(?:ed|s)?", r"lacerat\w+", "abrasions", "whiplash",
        "broken (?:wrist|ankle|toes?|fingers?|thumb|nose|hip|ribs?|bones?|collarbone|jaw)",
        # a chair, a guitar or a pair of glasses has a broken arm, leg, neck or back too
        r"(?:my|his|her|their) (?:\w+'s )?broken (?:arm|leg|neck|back)",
        "medical (?:attention|treatment|help)", "ambulance", "paramedics?", "nosebleeds?",
        "chemical burns?", "(?:first|second|third)[- ]degree burns?",
        "(?:severe|serious|bad|nasty|painful|minor) burns?",
        "(?:got|gets|getting|badly|seriously|severely) hurt",
        r"broke (?:my|his|her|their) (?:\w+ )?(?:arm|leg|wrist|ankle|toe|finger|nose|tooth|teeth|"
        "hip|rib)", "chipped (?:my|a|his|her) tooth",
        "(?:burned|burnt|scalded) (?:my|his|her|their|our|myself|himself|herself|the baby)",
        "burns? (?:on|to) (?:my|his|her|their|our)", "scald(?:ed|s|ing)?",
        "pinch(?:ed|es)? (?:my|his|her|their) fingers?",
        r"(?:trapped|pinned|crushed|pinched|jammed|squashed|caught) (?:my|his|her|their|the|a) (?:"
        r"\w+'s )?(?:fingers?|hands?|thumbs?|arms?|legs?|foot|feet|toes?)",
        "hurt (?:me|him|her|us|them|myself|himself|herself|my|his|her|their|our)", "concussion",
        "knocked (?:me|him|her) out",
        "(?:i|he|she|we|grandma|grandpa|mum|mom|dad|kid|child|son|daughter|baby|husband|wife) (?:"
        "fell|collapsed|tripped and fell)", "fell (?:on|onto) (?:me|him|her|my|his|our)",
        "(?:collapsed|gave way|broke) (?:under|with) (?:me|him|her|my|his|us|them)",
        "puncture wound", "passed out", "stabb(?:ed|ing)", "(?:sewing |broken )?needles?",
        "pins? (?:left )?(?:in|inside) (?:the|my|a)", "graz(?:ed|es|e) (?:my|his|her)",
        r"hit (?:me|my|him|his|her)(?: \w+)? (?:eye|face|head|chin|nose|mouth|teeth)",
        r"hit(?:s|ting)? (?:me|him|her|them|us|(?:my|his|her) \w+) (?:in|on) the (?:face|eyes?|he"
        "ad|chest|mouth|nose|teeth|forehead)",
        "fingers? (?:got |were |was )?(?:pulled|caught|trapped|crushed|jammed)",
        "tip of (?:my|his|her) (?:thumb|finger)", "gash(?:ed)? (?:my|his|her)",
        "hit (?:my|his|her) head",
        r"(?:saw|see|seeing|went to|go to|visit(?:ed)?|took (?:him|her|them|my \w+) to) (?:a |the"
        " )?(?:doctor|gp|hospital|clinic)",
        r"(?:chair|stool|bed|shelf|table|bench|ladder|crib|cot|bunk) (?:\w+ )?(?:collapsed|gave w"
        "ay)",
    )),
    ("injury", "body", (
        "bruis(?:e|es|ed|ing)", "blister(?:s|ed)?", "wounds?",
    )),
    ("choking", None, (
        "chok(?:e|ed|es|ing)", r"suffocat\w+", r"strangl\w+",
        r"(?:cord|string|strap|ribbon) (?:wrapped )?(?:a)?round (?:his|her|the baby's|my \w+'s) n"
        "eck",
    )),
    ("choking", "child", (
        "swallow(?:ed|ing|s)?",
        "small parts? (?:came|come|comes|fell|falls|falling|coming) (?:off|out|loose)",
        "(?:buttons?|eyes?|beads?|magnets?|batter(?:y|ies)|pieces?) (?:came|fell|pops?|popped|com"
        "es|coming) (?:off|out)", "button batter(?:y|ies)", "coin batter(?:y|ies)",
        "put it in (?:his|her) mouth",
    )),
)

EN_MASKS: tuple[str, ...] = (
    "smoke[d-]? ?(?:grey|gray|glass|black|blue|white|colou?r|tint|effect)",
    "smok(?:y|ed) (?:grey|gray|quartz|eyes?|glass|flavou?r|bacon|salmon|paprika|taste)",
    "smoke[- ]free", "no[- ]smoking", "non-?smoking", "smoking hot", "smoke and mirrors",
    "burn(?:-| )in", "burnt-in", "burned-in", "blood (?:pressure|sugar|glucose|oxygen|type)",
    "blood orange", r"shock[- ]?(?:absorb\w*|proof|resistant)", "anti-shock", "sticker shock",
    "expired (?:card|coupon|voucher|link|code|promo|promotion|warranty|subscription|offer)",
    r"(?:close to|near(?:ly)?|about to|soon to) expir\w*", "short[- ]dated", "bug ?fix(?:es)?",
    "bug reports?", "buggy",
    "bugs? (?:in|with|on) (?:the |this |its |your )?(?:app|software|firmware|update|system|os|ui|"
    "game|code|settings|menu|screen|driver|bluetooth|wifi|program)",
    "flame[- ](?:red|orange|retardant|resistant)", "fire[- ](?:retardant|resistant|proof|red)",
    "fire ?(?:tv|stick|hd|tablet)", "kindle fire", "amazon fire",
    r"fire (?:[0-9]+|max|kids|trucks?|engines?|fighters?|m[ae]n|stations?|pits?|places?|sales?|"
    "escapes?|exits?|doors?|drills?|starters?|ants?|opals?|noodles?|ramen|sauce)",
    "hot (?:pink|deal|item|seller|price|sale)",
    "hair ?(?:dryer|drier|straightener|curler|clips?|ties?|bands?|brush|comb|mask|oil|serum|care|"
    "loss|colou?r|dye|style|cut)", "hairline", "hair-?thin", "flies (?:open|off|out|by)",
    "time flies", "shocking(?:ly)?", "sour cream", "sourdough", "(?:sweet|hot) and sour",
    "sour (?:candy|candies|sweets|patch|cherry|gummies)", "mold(?:ed|ing)? plastic",
    r"injection mou?ld\w*", "allergy[- ]friendly", "hypo-?allergenic", "rash guard", "dust mite",
    "blue ?screen", "(?:colou?rs?|dyes?|inks?|paints?) (?:bled|bleeds?|bleeding|ran|run)",
    "(?:bled|bleeds?|bleeding) (?:onto|into|on|through)", "fell in love", "cut my losses",
    r"(?:tecno|dji|chevy|chevrolet|adobe|amazon) spark\w*", r"spark (?:\d+|go|pro|plus)",
    "explosion of (?:flavou?r|taste|colou?r)s?", "sick (?:of|and tired)", "spoilt for choice",
    "spoil(?:ed|t) (?:the|my|our) (?:surprise|day|evening|holiday|weekend|trip|mood|birthday)",
    "rotten (?:service|customer|attitude|experience|deal|luck|company|seller|shop|store|merchant|"
    "support)",
    r"bruis\w* (?:fruit|apples?|bananas?|pears?|peaches?|avocados?|mango(?:e)?s?|tomato(?:e)?s?|b"
    "erries|strawberries|produce|grapes)",
    r"(?:wool|fabric|material|sweater|jumper|label|tag|seams?|collar)[^.,;!?]{0,20}itch\w*",
    r"itch\w*[^.,;!?]{0,15}(?:wool|fabric|material|sweater|jumper|label|tag|seams?|collar)",
    r"(?:loose|broken|uneven|crooked|missing|skipped|the) stitch\w*",
)
# fmt: on
