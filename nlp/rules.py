"""The crisis rule layer: urgent risk is never left to a classifier alone.

Each pattern names one kind of urgent sign (self-harm, violence, imminent danger, collective action).
A hit is dropped when a negation stands just before it in the same clause ("没有轻生的念头", "否认有自杀想法")
or when its sentence is plainly about something else (a hotline volunteer, a drill, a training course, a film).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.text import normalise


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One urgent sign found in a text: its kind, the pattern's name and the span it matched."""

    kind: str
    name: str
    start: int
    end: int


def _p(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


# kind -> list of (name, compiled pattern)
PATTERNS: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    "self_harm": [
        ("explicit", _p(r"轻生", r"自杀", r"自尽", r"寻短见", r"自残", r"割腕", r"上吊", r"烧炭", r"卧轨",
                        r"喝(?:了)?农药", r"跳(?:楼|河|江|海|湖|桥)", r"结束(?:自己的?)?生命", r"了结自己")),
        ("wish_to_die", _p(r"不想活", r"活着(?:真)?没(?:什么|啥)?意思", r"活够了", r"活不下去", r"死了(?:就)?算了",
                           r"一死了之", r"一了百了", r"想(?:去)?死", r"不如死了", r"死了(?:就|也)?(?:解脱|清净|好了)",
                           r"离开这个世界", r"不想再撑", r"撑不下去了", r"没有活下去", r"活下去(?:的)?(?:意义|理由)")),
        ("jump", _p(r"(?:楼顶|天台|桥上|江边|河边|窗边|窗台).{0,15}(?:跳下去|往下跳|解脱|一了百了)",
                    r"跳下去(?:是不是|就|算了|解脱)")),
        ("means", _p(r"(?:攒|囤|存)了?.{0,8}(?:安眠药|药片|药)", r"安眠药.{0,10}(?:一次|多少|吃多|致死|攒)",
                     r"(?:吃多少|多少片|一次吃).{0,6}(?:会|能).{0,4}(?:死|出事)", r"遗书", r"交代(?:了)?后事",
                     r"(?:银行卡|存折)?密码.{0,12}(?:用不上|用不着|以后.{0,4}不需要)",
                     r"(?:东西|物品|家当).{0,8}(?:送|分)(?:给|了).{0,10}(?:用不上|用不着|不需要了)")),
    ],
    "violence": [
        ("threat", _p(r"同归于尽", r"弄死(?:他|她|你|他们)", r"(?:杀|砍|捅|宰)(?:了|死)?(?:他|她|你|他们)",
                      r"让(?:他|她|你|他们).{0,4}(?:躺着|横着)(?:出去|出来|回去)", r"饶不了(?:他|她|你|他们)",
                      r"(?:跟|和)(?:他|她|你|他们|那个\S{0,4}).{0,4}拼(?:了|命)", r"废了(?:他|她|你)",
                      r"(?:打|揍)死(?:他|她|你)", r"(?:带|拿|揣)(?:着|了)?(?:刀|斧头|汽油)",
                      r"放(?:一把)?火(?:烧)?", r"(?:炸|烧)(?:了|掉)(?:他|她|单位|项目部|办公楼)",
                      r"让(?:他|她|他们).{0,6}(?:付出代价|血债血偿|好看)", r"报复(?:他|她|他们|社会|领导)")),
    ],
    "danger": [
        ("gas_exposure", _p(r"(?:煤气|燃气|瓦斯|天然气|氨气?|硫化氢|有毒气体|一氧化碳|异味).{0,25}"
                            r"(?:还在|继续|照常|仍在|仍然|照样).{0,6}(?:干|作业|施工|生产|上班|开挖|运行)",
                            r"(?:煤气|燃气|瓦斯|硫化氢|一氧化碳).{0,15}(?:头晕|头疼|恶心|晕倒)")),
        ("structural", _p(r"(?:超(?:出|过)?(?:了)?预警|报警值|预警值|位移|沉降|裂缝|裂纹|变形|倾斜|断丝|开裂).{0,40}"
                          r"(?:还在|继续|照常|仍在|照样|接着).{0,6}(?:开挖|施工|作业|吊装|使用|用|干|运行|上人)")),
    ],
    "collective": [
        ("petition", _p(r"集体上访", r"上访", r"(?:联名|串联).{0,10}(?:上访|举报信|讨说法|签名)",
                        r"集体(?:停工|罢工|请愿|讨薪|静坐|辞职)", r"罢工", r"拉横幅", r"堵(?:门|路|大门)", r"围堵",
                        r"静坐", r"讨说法", r"讨薪",
                        r"(?:一起|一块|全体|集体|大伙|大家|工人们|好几十个人|几十个人|都).{0,10}"
                        r"(?:去|到).{0,12}(?:政府|住建局|信访|劳动局|人社局|劳动监察|集团总部|总部|省公司|门口)"
                        r".{0,8}(?:反映|讨|要|闹|上访|说法|静坐)?",
                        r"(?:全体|集体|大家|都).{0,4}(?:不接单|不出车|不上工|停工|不干活|不上班)")),
    ],
}

# A negator right before a hit, in the same clause, cancels it.
_NEGATION = re.compile(r"(?:没有|没|并无|无|否认|不会|未曾|未|从未|不再|并不|排除|打消了?)[^，。；！？,;!?\n]{0,6}$")
# A sentence plainly about something else.
_BENIGN_CONTEXT = re.compile(
    r"热线|志愿者|志愿服务|心理讲座|培训课|培训班|演练|预案|案例|新闻|电视剧|电影|小说|游戏|段子|宣传|知识竞赛|"
    r"防范.{0,4}(?:知识|教育)|警示教育|科普"
)
# Machines "go on strike" too: 电脑罢工, 空调罢工.
_DEVICE_BEFORE = re.compile(r"(?:电脑|机器|打印机|空调|手机|系统|设备|车子|网络|网|电梯|热水器|身体|胃|腰|脑子)[^，。,]{0,4}$")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# Resolved danger: the hazard has already been dealt with.
_RESOLVED = re.compile(r"已(?:经)?(?:停工|撤离|整改|处理|排除|修好|关停|停用|疏散)")


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:right]


def find_urgent_signs(text: str) -> list[RuleHit]:
    """Return the urgent signs in `text` that no negation or benign context cancels."""
    norm = normalise(text)
    hits: list[RuleHit] = []
    for kind, patterns in PATTERNS.items():
        for name, pattern in patterns:
            for m in pattern.finditer(norm):
                before = norm[max(0, m.start() - 12) : m.start()]
                if _NEGATION.search(before):
                    continue
                sentence = _sentence(norm, m.start(), m.end())
                if _BENIGN_CONTEXT.search(sentence):
                    continue
                if kind == "collective" and _DEVICE_BEFORE.search(before):
                    continue
                if kind == "danger" and _RESOLVED.search(norm[m.end() : m.end() + 30]):
                    continue
                hits.append(RuleHit(kind, name, m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, h.end))
    return hits


def is_urgent(text: str) -> bool:
    """Tell whether the rule layer alone calls `text` urgent."""
    return bool(find_urgent_signs(text))
