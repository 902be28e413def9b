"""The crisis rule layer: every pattern fires on its signs, and negations and benign contexts cancel it."""

from __future__ import annotations

import pytest

from nlp.rules import PATTERNS, find_urgent_signs, is_urgent

FIRES = {
    ("self_harm", "explicit"): ["他说最近有轻生的念头", "朋友圈里提到想自杀", "说过要跳楼", "问同事哪种农药最快"],
    ("self_harm", "wish_to_die"): ["不想活了", "活着真没意思", "感觉撑不下去了，想一死了之", "朋友圈发了“再见了这个世界”",
                                   "说孩子以后拜托你们了，我先走一步", "给同事发微信告别后关机失联"],
    ("self_harm", "jump"): ["下了夜班站在楼顶，想跳下去是不是就解脱了", "站在桥上想往下跳", "要是哪天出车祸了是不是就不用上班了"],
    ("self_harm", "means"): ["打听安眠药一次吃多少会出事", "已经攒了好几盒药", "把银行卡密码告诉同事，说以后用不上了",
                             "把自己的鱼竿、工具箱都送人了", "在群里说“谢谢大家这些年的照顾，以后就不麻烦大家了”"],
    ("violence", "threat"): ["再拖我就跟他同归于尽", "我保证让他躺着出去", "饶不了他", "带着刀去找他",
                             "扬言要找人收拾他", "再骂我一次，我真不知道自己会干出什么来", "拿着扳手去了办公楼"],
    ("danger", "gas_exposure"): ["加热炉那边一直有煤气味，我们还在干活", "一氧化碳浓度超了，好几个人头晕",
                                 "瓦斯探头一直报警，队长说没事接着干"],
    ("danger", "structural"): ["基坑位移超出预警值，项目上还在继续开挖", "塔吊标准节有裂纹，今天照常吊装",
                               "脚手架已明显倾斜，现场仍有工人在上面作业"],
    ("collective", "petition"): ["工人们约好明天一起去住建局反映", "准备集体上访", "全体不接单，去营业厅讨说法",
                                 "几十名工人已经把项目部大门堵上", "大家商量好了明天全部不上工"],
}

CANCELLED = [
    "谈话中本人否认有自杀的想法，情绪平稳",
    "没有轻生念头，只是最近睡不好",
    "她是心理热线志愿者，接到一个想自杀的来电，按流程处理了",
    "参加了防范自杀知识的心理讲座",
    "应急演练中模拟煤气泄漏，大家还在继续作业",
    "电脑一天罢工三次，能不能换一台",
    "空调又罢工了",
    "基坑位移超出预警值，现场已停工排查",
    "想死你们了！休完产假回来大家还给我留着工位",
    "友商搞自杀式降价，我们的指标完不成",
    "网点的防尾随门坏了一个多月",
    "宿舍空调坏了半个月，报修一直没人管",
    "双方都说要去找矿领导讨说法",
    "该同志在通风区当瓦斯检查员，人手不足顶班，自述头疼",
]

HARMLESS = ["累死了哈哈", "再这样我要原地爆炸了", "被KPI逼疯了", "有时候真想跳槽算了", "杀鸡儆猴的做法不好"]


@pytest.mark.parametrize(("kind", "name", "text"), [(k, n, t) for (k, n), ts in FIRES.items() for t in ts])
def test_pattern_fires(kind: str, name: str, text: str) -> None:
    hits = find_urgent_signs(text)
    assert any(h.kind == kind and h.name == name for h in hits), hits


def test_every_pattern_has_a_firing_example() -> None:
    named = {(kind, name) for kind, pats in PATTERNS.items() for name, _ in pats}
    assert named == set(FIRES)


@pytest.mark.parametrize("text", CANCELLED)
def test_negation_and_benign_context_cancel(text: str) -> None:
    assert not is_urgent(text)


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_alarming_words_do_not_fire(text: str) -> None:
    assert not is_urgent(text)


def test_hit_spans_point_into_the_text() -> None:
    text = "他说：“我不想活了。”"
    (hit,) = find_urgent_signs(text)
    assert text[hit.start : hit.end] == "不想活"


def test_full_width_and_traditional_text_is_normalised_first() -> None:
    assert is_urgent("他說不想活了")
