"""The crisis rule layer: every pattern fires on its signs, and negations and benign contexts cancel it."""

from __future__ import annotations

import pytest

from nlp.rules import PATTERNS, find_urgent_signs, is_urgent

FIRES = {
    ("self_harm", "explicit"): ["他说最近有轻生的念头", "朋友圈里提到想自杀", "说过要跳楼"],
    ("self_harm", "wish_to_die"): ["不想活了", "活着真没意思", "感觉撑不下去了，想一死了之"],
    ("self_harm", "jump"): ["下了夜班站在楼顶，想跳下去是不是就解脱了", "站在桥上想往下跳"],
    ("self_harm", "means"): ["打听安眠药一次吃多少会出事", "已经攒了好几盒药", "把银行卡密码告诉同事，说以后用不上了"],
    ("violence", "threat"): ["再拖我就跟他同归于尽", "我保证让他躺着出去", "饶不了他", "带着刀去找他"],
    ("danger", "gas_exposure"): ["加热炉那边一直有煤气味，我们还在干活", "一氧化碳超标，好几个人头晕"],
    ("danger", "structural"): ["基坑位移超出预警值，项目上还在继续开挖", "塔吊标准节有裂纹，今天照常吊装"],
    ("collective", "petition"): ["工人们约好明天一起去住建局反映", "准备集体上访", "全体不接单，去营业厅讨说法"],
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
