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
# What a hazard looks like, and what "people are still exposed to it" looks like, for the danger patterns.
_HAZARD = (
    r"(?:裂缝|裂纹|裂了|开裂|断股|断丝|起毛|变形|下沉|沉降|位移|掉渣|掉块|片帮|离层|冒顶|来压|漏气|漏水|漏油|渗油|渗漏|泄漏|"
    r"冒烟|起火|焦糊味|烧焦味|有味|异味|怪味|刺鼻|臭鸡蛋味|煤气味|燃气味|液化气味|氨味|酸味|报警|超限|超(?:过|出)?(?:了)?"
    r"(?:报警|预警|警戒|安全)值?|失灵|不灵|失效|是坏的|松动|鼓包|异响|放电声|冒水|涌砂|涌水|滑坡|塌方|垮塌|悬空|"
    r"摇摇晃晃|晃得厉害|一直在晃|歪了|有点歪|冲空|锈蚀|溢流|井涌|温度异常|异常高温|压力.{0,4}(?:超|上升)|短路|倾斜|塌陷|"
    r"断裂|撞弯|山洪|暴涨|进水|熄灭|失控|打滑|跳动|出水|抽不动|合不上|损坏|不动了|压死|滚落)"
)
_STILL_EXPOSED = (
    r"(?:还在|继续|照常|仍在|仍然|照样|接着|先干完|干完再|先把|凑合|硬着头皮|让我们|让大家|让人|赶节点|赶进度|赶工期|"
    r"等明天|下班再|下周换|明天再|要求.{0,4}(?:干|继续|完成)|必须.{0,6}(?:干|挖|完)|还有人|还有.{0,6}人|"
    r"人还在|我们还在|正在.{0,8}(?:作业|干|施工|检修|接线|清|吊)|仍有|仍安排|仍要求|仍在|还要|不准下来|"
    r"没有停止|不能停|未停|尚未撤离|没有撤离|还没有?转移|未撤|仍.{0,4}(?:安排|要求|通过|接发|作业|通行|值守|乘坐|上线))"
)
_GAS = r"(?:煤气|燃气|瓦斯|天然气|液化气|氨气?|硫化氢|有毒气体|有害气体|一氧化碳|CO\b|臭鸡蛋味|刺鼻)"
_SMELL = r"(?:味道?|气味|异味|怪味|焦糊|烧焦|冒烟)"
_CONTINUE = r"(?:还在|继续|照常|仍在|照样|接着|先干完|干完再|先把|让我们|让继续|让大家|仍要求|还有人)"
_WORK = r"(?:干|作业|施工|生产|上班|开挖|运行|割|清|接线|检修|吊|进料|出矿|里面)"
_SYMPTOM = r"(?:头晕|头疼|头痛|恶心|想吐|晕倒|呕吐)"

# kind -> list of (name, compiled pattern)
PATTERNS: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    "self_harm": [
        ("explicit", _p(r"轻生", r"(?<!式)自杀(?!式)", r"自尽", r"寻短见", r"自残", r"割腕", r"(?<!不戴安全帽)上吊(?!装|式)",
                        r"烧炭", r"卧轨", r"喝(?:了)?农药", r"跳(?:楼|河|江|海|湖|桥)", r"结束(?:自己的?)?生命",
                        r"了结自己", r"(?:哪种|什么)(?:农药|药).{0,4}(?:最快|致命|能死)")),
        ("wish_to_die", _p(r"不想活", r"活着(?:真|也)?没(?:什么|啥)?(?:意思|意义|盼头)", r"活够了", r"活不下去",
                           r"死了(?:就)?算了", r"一死了之", r"一了百了", r"(?<!真)想(?:去)?死(?!你|我了|了|啦|您)",
                           r"不如死了", r"死了(?:就|也)?(?:解脱|清净|好了)", r"离开这个世界", r"不想再撑", r"撑不下去了",
                           r"没有活下去", r"活下去(?:的)?(?:意义|理由)", r"不配活", r"再见了?,?(?:这个)?世界",
                           r"下辈子(?:再|见)", r"(?:要是|如果)我不在了", r"活着(?:真)?累", r"先走一步",
                           r"对不起.{0,24}先走了", r"(?:发|说)了?.{0,12}告别", r"(?:关机|随后|电话).{0,6}失联",
                           r"睡过去.{0,4}(?:不再醒|不醒|再也)", r"(?:把自己)?结束掉",
                           r"以后不能(?:再)?陪(?:大家|你们)", r"不想回来了.{0,10}(?:海里|安静|解脱)")),
        ("jump", _p(r"(?:楼顶|天台|顶楼|桥上|江边|河边|窗边|窗台|塔上|风机|塔台|站台|铁塔).{0,15}"
                    r"(?:跳下去|往下跳|跳下|掉下去|摔下去|下去|走下去|解脱|一了百了)",
                    r"跳下去(?:是不是|就|算了|解脱)",
                    r"(?:出车祸|被车撞|撞死|出事故|出意外).{0,10}(?:是不是|也挺好|就不用|就解脱|就好了)",
                    r"(?:列车|火车|车)进站.{0,8}(?:走下去|跳下去|跳下)")),
        ("means", _p(r"(?:攒|囤)了?.{0,8}药(?!品)", r"存了?.{0,8}(?:安眠药|药片|镇静药)", r"安眠药.{0,6}(?:一次吃|吃多少|多少片|吃多了|致死|攒|睡着不醒)",
                     r"(?:吃多少|多少片|一次吃|多少剂量|剂量大).{0,8}(?:会|能|致)?.{0,4}(?:死|出事|致死|致命|睡过去|不醒)",
                     r"遗书", r"交代(?:了)?后事", r"(?:把|将)?.{0,4}(?:银行卡|工资卡|存折|存款|房产证|手机)密?码?.{0,16}"
                     r"(?:交给|发给|写给|告诉|转给|放在).{0,20}(?:用不上|用不着|不需要|以后|女儿|儿子|孩子|照顾|操心|交给)",
                     r"(?:密码|存折|存款).{0,24}(?:用不上|用不着|以后.{0,4}不需要)",
                     r"(?:东西|物品|家当|工具|鱼竿|摩托车|电动车|手表|相机|猫|狗|宠物).{0,12}(?:都|全)?(?:送|分|给|交)(?:给|了)"
                     r".{0,20}(?:用不上|用不着|不需要了|照顾好|以后|留个念想)",
                     r"(?:把|将)自己的.{0,12}(?:都|全)?(?:送人|送给|分给|分送)",
                     r"(?:孩子|女儿|儿子|老人|父母|妈)(?:就)?(?:拜托|托付|交给)(?:您|你|你们|大家|给)",
                     r"以后(?:就)?不(?:给|麻烦|拖累)(?:大家|你们|各位)", r"以后不用(?:再)?(?:操心|管)我",
                     r"谢谢.{0,12}(?:照顾|关照).{0,24}(?:再见|以后|永别|对不起|下辈子|用不着|用不上)",
                     r"对不起(?:大家|所有人|父母|爸妈).{0,20}(?:以后|再见|不用|下辈子|累了)",
                     r"(?:太累了|累了).{0,6}(?:下辈子|再见|不想再)",
                     r"(?:东西|物品).{0,8}(?:大家分了|分了吧|送了人|都送人)", r"家里的事都写在",
                     r"(?:工资卡|银行卡|存折|密码).{0,10}(?:交给了?|放在).{0,8}(?:同事|工友|我妈|保管|柜子)")),
    ],
    "violence": [
        ("threat", _p(r"同归于尽", r"弄死(?:他|她|你|他们)", r"(?:杀|砍|捅|宰)(?:了|死)?(?:他|她|你|他们)",
                      r"让(?:他|她|你|他们).{0,4}(?:躺着|横着)(?:出去|出来|回去)", r"饶不了(?:他|她|你|他们)",
                      r"(?:跟|和)(?:他|她|你|他们|那个\S{0,4}).{0,4}拼(?:了|命)", r"废了(?:他|她|你)",
                      r"(?:打|揍)死(?:他|她|你)", r"(?:带|拿|揣)(?:着|了)?(?:刀|斧头|汽油)",
                      r"放(?:一把)?火(?:烧)?", r"(?:炸|烧)(?:了|掉)(?:他|她|单位|项目部|办公楼)",
                      r"让(?:他|她|他们).{0,6}(?:付出代价|血债血偿|好看|知道厉害)", r"报复(?:他|她|他们|社会|领导)",
                      r"(?:找人|看我怎么)?收拾(?:他|她|你|他们)", r"(?:门口|楼下|路上).{0,4}等(?:着)?(?:他|她|你)",
                      r"不知道(?:自己)?会干出什么", r"(?:给我)?等着瞧", r"有你好看", r"(?<!防)尾随", r"跟踪(?:她|他|我)",
                      r"(?:枪声|武装冲突|流弹|交火|爆炸袭击)", r"横着出", r"躺着出", r"谁拦着?就跟谁拼",
                      r"(?:拿着|揣着|提着|藏了?)(?:一根|一把)?(?:扳手|铁棍|棍子|刀|榔头)")),
    ],
    "danger": [
        ("gas_exposure", _p(_GAS + r".{0,25}" + _CONTINUE, _GAS + r".{0,6}(?:味|泄漏|漏|超|报警|浓度|浓|冲|刺鼻).{0,24}" + _SYMPTOM,
                            _SMELL + r".{0,25}" + _CONTINUE + r".{0,6}" + _WORK,
                            _SMELL + r".{0,20}" + _SYMPTOM + r".{0,25}" + _CONTINUE)),
        ("structural", _p(_HAZARD + r".{0,40}" + _STILL_EXPOSED, _STILL_EXPOSED + r".{0,30}" + _HAZARD + r".{0,10}"
                          r"(?:上面|下面|旁边|里面|附近)")),
    ],
    "collective": [
        ("petition", _p(r"集体上访", r"上访", r"(?:联名|串联).{0,10}(?:上访|举报信|讨说法|签名)",
                        r"集体(?:停工|罢工|请愿|讨薪|静坐|辞职)", r"罢工", r"拉横幅", r"堵(?:门|路|大门)", r"围堵",
                        r"静坐", r"(?:一起|集体|大家|大伙|工人们|几十|全体|联合).{0,15}讨(?:说法|薪)",
                        r"(?:讨薪|讨要工资|要工钱).{0,10}(?:一起|集体|全体|大家)",
                        r"(?:一起|一块|全体|集体|大伙|大家|工人们|好几十个人|几十个人|几十号人|都).{0,10}"
                        r"(?:去|到).{0,12}(?:政府|住建局|信访|劳动局|人社局|劳动监察|集团总部|总部|省公司|门口|市里|省里)"
                        r".{0,8}(?:反映|讨|要|闹|上访|说法|静坐)?",
                        r"(?:全体|集体|大家|都|一起).{0,4}(?:不接单|不出车|不上工|停工|不干活|不上班|不上线|罢工|不来了)",
                        r"(?:商量好|约好|说好|约定)了?.{0,20}(?:一起|全体|集体|全部|都).{0,12}(?:停工|不干|不上|不送|去|到|堵)",
                        r"(?:堵上|堵住|堵在|堵了).{0,8}(?:大门|门口|矿门|路口|厂门)",
                        r"(?:大门|门口|厂门|矿门).{0,2}(?:堵上|堵住|堵了)", r"(?:一起|全部|都|集体).{0,12}要说法",
                        r"(?:全部|全体|一起|都)(?:不上工|不送了?|不干了)")),
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
