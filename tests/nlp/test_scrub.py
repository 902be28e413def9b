"""The personal-data scrubber: every type and variant, decoys that must survive, offsets and invariants."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.scrub import PLACEHOLDERS, PiiSpan, ScrubResult, scrub, scrub_many
from nlp.scrub.numbers import id_check_digit, is_valid_id18, luhn_ok


def _id18(rng: random.Random, *, check: str | None = None) -> str:
    while True:
        first = f"{rng.choice(['110101', '440305', '650102'])}19{rng.randint(60, 99)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}"
        first += f"{rng.randint(0, 999):03d}"
        digit = id_check_digit(first)
        if check is None or digit == check:
            return first + digit


def _card(rng: random.Random, size: int) -> str:
    body = "622202" + "".join(str(rng.randint(0, 9)) for _ in range(size - 7))
    for last in "0123456789":
        if luhn_ok(body + last):
            return body + last
    raise AssertionError("unreachable")


RNG = random.Random(7)
ID18 = _id18(RNG)
ID18X = _id18(RNG, check="X")
CARD16 = _card(RNG, 16)
CARD19 = _card(RNG, 19)


def _found(text: str) -> list[tuple[str, str]]:
    """Return (input substring, type) of each span."""
    return [(text[s.start : s.end], s.type) for s in scrub(text).spans]


def _assert_masked(text: str, secret: str, kind: str) -> None:
    result = scrub(text)
    assert secret not in result.text, result.text
    assert PLACEHOLDERS[kind] in result.text
    assert any(s.type == kind for s in result.spans)


# --- phones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "13800138000",
        "138-0013-8000",
        "138 0013 8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "0086 13800138000",
        "010-12345678",
        "(0571)8888 6666",
        "0755-8888888 转 123",
        "0755-8888888 ext. 123",
        "021-66778899-305",
        "400-820-8820",
        "800-810-1234",
    ],
)
def test_phone_variants_are_masked_whole(phone: str) -> None:
    text = f"有事请联系{phone}，谢谢。"
    assert _found(text) == [(phone, "phone")]
    assert scrub(text).text == "有事请联系〔电话〕，谢谢。"


def test_full_width_phone_is_masked() -> None:
    assert _found("手机１３８００１３８０００") == [("１３８００１３８０００", "phone")]


def test_half_hidden_and_chinese_numeral_phones_are_masked() -> None:
    assert _found("手机138****8000") == [("138****8000", "phone")]
    assert _found("电话一三八〇〇一三八〇〇〇") == [("一三八〇〇一三八〇〇〇", "phone")]


def test_local_number_needs_phone_context() -> None:
    assert _found("座机88886666") == [("88886666", "phone")]
    assert scrub("共88886666元").spans == []


# --- ID numbers -----------------------------------------------------------------------------------


def test_valid_18_digit_id_is_masked() -> None:
    assert is_valid_id18(ID18)
    assert _found(f"他的号码{ID18}已登记") == [(ID18, "id_card")]


@pytest.mark.parametrize("check", ["X", "x"])
def test_id_with_x_check_character_is_masked(check: str) -> None:
    value = ID18X[:-1] + check
    assert _found(f"证件{value}。") == [(value, "id_card")]


def test_legacy_15_digit_id_is_masked() -> None:
    assert _found("老身份证号110101650307123，需更新") == [("110101650307123", "id_card")]


def test_15_digits_without_valid_date_are_left() -> None:
    assert scrub("编号110101651337123").spans == []


def test_bad_checksum_id_is_masked_next_to_id_context() -> None:
    bad = ID18[:-1] + ("0" if ID18[-1] != "0" else "1")
    assert not is_valid_id18(bad)
    assert _found(f"身份证号{bad}") == [(bad, "id_card")]


def test_grouped_id_is_masked() -> None:
    grouped = f"{ID18[:6]} {ID18[6:14]} {ID18[14:]}"
    assert _found(f"身份证：{grouped}") == [(grouped, "id_card")]


# --- bank cards -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "card",
    [
        CARD16,
        CARD19,
        " ".join(CARD19[i : i + 4] for i in range(0, 19, 4)),
        "-".join(CARD16[i : i + 4] for i in range(0, 16, 4)),
        "6222 0212 3456 7890 128",
    ],
)
def test_luhn_valid_cards_are_masked(card: str) -> None:
    assert _found(f"打到{card}上") == [(card, "bank_card")]


@pytest.mark.parametrize("label", ["银行卡", "卡号", "账号"])
def test_luhn_invalid_card_is_masked_next_to_card_context(label: str) -> None:
    bad = CARD19[:-1] + str((int(CARD19[-1]) + 1) % 10)
    assert not luhn_ok(bad)
    assert _found(f"{label}{bad}") == [(bad, "bank_card")]


def test_luhn_invalid_digits_without_context_are_left() -> None:
    bad = CARD16[:-1] + str((int(CARD16[-1]) + 1) % 10)
    assert scrub(f"序列{bad}").spans == []


# --- e-mail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("邮箱：zhang.san@163.com。", "zhang.san@163.com"),
        ("QQ邮箱12345678@qq.com，", "12345678@qq.com"),
        ("（wang-fang_1@sgcc.com.cn）", "wang-fang_1@sgcc.com.cn"),
        ("发到li＠126.com吧", "li＠126.com"),
    ],
)
def test_emails_are_masked(text: str, email: str) -> None:
    assert _found(text) == [(email, "email")]


# --- person names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("张伟同志反映加班太多。", "张伟"),
        ("谈话对象：陈晓东，入职五年。", "陈晓东"),
        ("与刘建军谈话时，他提到母亲住院。", "刘建军"),
        ("一名职工（朱敏）反映同工不同酬。", "朱敏"),
        ("最近王明华说要走。", "王明华"),
        ("欧阳明华同志提出空调坏了。", "欧阳明华"),
        ("司马志强说他家属在外地。", "司马志强"),
        ("上官婉清表示愿意参加。", "上官婉清"),
    ],
)
def test_chinese_names_next_to_cues_are_masked(text: str, name: str) -> None:
    _assert_masked(text, name, "person")


@pytest.mark.parametrize(
    ("text", "surname"),
    [
        ("刘主任答应下周补发。", "刘"),
        ("王书记找大家谈话。", "王"),
        ("张经理在会上批评了营业部。", "张"),
        ("李师傅反映徒弟操作不规范。", "李"),
        ("陈工说2号炉要检修。", "陈"),
        ("赵总表示会增加编制。", "赵"),
        ("孙队说进度落后。", "孙"),
    ],
)
def test_surname_before_title_is_masked(text: str, surname: str) -> None:
    result = scrub(text)
    assert result.text.startswith("〔姓名〕"), result.text
    assert result.text.count(surname) == text.count(surname) - 1


@pytest.mark.parametrize("nickname", ["小李", "老周", "阿强"])
def test_nicknames_are_masked(nickname: str) -> None:
    _assert_masked(f"{nickname}说宿舍热水器坏了。", nickname, "person")


@pytest.mark.parametrize(
    "name",
    [
        "帕提古丽",
        "艾合买提江",
        "阿依古丽",
        "买买提·艾力",
        "扎西多吉",
        "格桑卓玛",
        "巴特尔",
        "其其格",
        "约翰·史密斯",
    ],
)
def test_minority_and_transliterated_names_are_masked(name: str) -> None:
    _assert_masked(f"{name}反映食堂太贵。", name, "person")


def test_repeated_name_is_masked_every_time() -> None:
    text = "王丽华反映孩子没人带。王丽华希望调白班，我们答应王丽华下周答复。"
    result = scrub(text)
    assert "王丽华" not in result.text
    assert result.counts() == {"person": 3}


def test_title_alone_is_not_a_name() -> None:
    text = "主任、书记、师傅、班长都参加了这次安全例会。"
    assert scrub(text).text == text


# --- decoys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024年3月5日召开支部大会，时间为上午9:30。",
        "计划于2024-03-05开始检修，预计20240320前完成。",
        "本月加班费共计3800元，人均约¥12,000.00，节约3.7%。",
        "工单号GD2024031500123已派发。",
        "1号机组计划停运，#3主变开展试验，2号炉已改造，盾构机TBM-01掘进。",
        "乘坐G1234次列车去北京，返程是K123次。",
        "单位车辆京A·12345年检到期，抢修车辆鲁B 8K9J2停在门外。",
        "消防设计执行GB 50016-2014标准，系统升级到V3.2.1版本。",
        "八十多个人参加了主题党日活动。",
        "大家高兴地看到，王牌班组文明施工，他张罗了周末的活动。",
        "黄金周安排了白班，金额按三倍计算，方案常常变，何时解决，程序复杂，马上过年。",
        "江边林区的钱不够，高温下朱砂色的任务牌换成黄牌。",
        "华为的设备，李子和杨树，许多职工，雷雨天，贺卡，龙门吊。",
        "国家电网、大庆油田、长江、黄河、王府井都在名单上。",
        "石油价格下跌，安全生产形势好转。",
    ],
)
def test_decoys_survive_unchanged(text: str) -> None:
    result = scrub(text)
    assert result.text == text
    assert result.spans == []


# --- offsets and result shape ---------------------------------------------------------------------


def _apply(text: str, spans: list[PiiSpan]) -> str:
    out, pos = [], 0
    for s in spans:
        out.append(text[pos : s.start])
        out.append(PLACEHOLDERS[s.type])
        pos = s.end
    return "".join(out) + text[pos:]


MIXED = f"谈话对象：韩雪，手机177-0000-1234，身份证{ID18}，银行卡{CARD19}，邮箱han.xue@qq.com，韩雪说谢谢。"


def test_spans_refer_to_the_input_and_reproduce_the_output() -> None:
    result = scrub(MIXED)
    assert [MIXED[s.start : s.end] for s in result.spans] == [
        "韩雪",
        "177-0000-1234",
        ID18,
        CARD19,
        "han.xue@qq.com",
        "韩雪",
    ]
    assert _apply(MIXED, result.spans) == result.text


def test_counts_by_type() -> None:
    assert scrub(MIXED).counts() == {"person": 2, "phone": 1, "id_card": 1, "bank_card": 1, "email": 1}


def test_text_without_personal_data_is_returned_as_is() -> None:
    assert scrub("") == ScrubResult("", [])
    assert scrub("食堂的饭菜太贵了").spans == []


def test_scrub_many_keeps_order() -> None:
    texts = ["张伟同志反映", "没有问题", "电话13800138000"]
    assert [r.text for r in scrub_many(texts)] == [scrub(t).text for t in texts]


@pytest.mark.parametrize("text", ["买买提和", "阿小王伟", "和", "张", "〔姓名〕说", "·", "13800138000转"])
def test_short_and_edge_texts_do_not_fail(text: str) -> None:
    result = scrub(text)
    assert scrub(result.text).text == result.text


def test_placeholders_cover_every_type() -> None:
    assert set(PLACEHOLDERS) == {"person", "phone", "id_card", "email", "bank_card"}


# --- properties -----------------------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"[0-9]+[Xx]?")
_ALPHABET = st.sampled_from(
    list("0123456789") * 4
    + list(" -()+@.Xx")
    + ["身份证", "银行卡", "电话", "，", "。", "张", "伟", "说", "王", "主任", "同志", "小", "李", "〔", "〕"]
    + ["姓名", "ab", "转"]
)
_TEXTS = st.lists(_ALPHABET, max_size=40).map("".join)
_WITH_SECRETS = st.builds(
    lambda a, b, c, secret: a + secret + b + c,
    _TEXTS,
    _TEXTS,
    _TEXTS,
    st.sampled_from([ID18, ID18X, CARD16, CARD19, "13800138000", ""]),
)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _normalised_digits_runs(text: str) -> list[str]:
    from nlp.text import normalise

    return _DIGIT_RUN.findall(normalise(text))


@_SETTINGS
@given(_WITH_SECRETS)
def test_output_never_holds_a_card_or_an_id(text: str) -> None:
    for run in _normalised_digits_runs(scrub(text).text):
        digits = run.rstrip("Xx")
        assert not (16 <= len(run) <= 19 and run == digits and luhn_ok(digits)), run
        assert not is_valid_id18(run), run


@_SETTINGS
@given(_WITH_SECRETS)
def test_spans_are_sorted_non_overlapping_and_inside_the_input(text: str) -> None:
    result = scrub(text)
    last = 0
    for s in result.spans:
        assert last <= s.start < s.end <= len(text)
        assert s.type in PLACEHOLDERS
        last = s.end
    assert _apply(text, result.spans) == result.text


@_SETTINGS
@given(_WITH_SECRETS)
def test_scrubbing_is_idempotent(text: str) -> None:
    once = scrub(text).text
    assert scrub(once).text == once


# --- rarer surnames, compound surnames, names that are words, minority names ----------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("隗建平反映，井下的轮休表没公布。", "隗建平"),
        ("与仉志刚谈话，他对评先有看法。", "仉志刚"),
        ("逄涛的母亲住院了，想请假。", "逄涛"),
        ("跟郇建国聊了聊，他情绪还行。", "郇建国"),
        ("职工谯勇反映工资条看不懂。", "谯勇"),
        ("禚文博认为考核只看产量。", "禚文博"),
        ("宿舍里的眭海涛经常失眠。", "眭海涛"),
    ],
)
def test_rare_single_character_surnames_are_masked(text: str, name: str) -> None:
    _assert_masked(text, name, "person")


def test_rare_surnames_in_lists_titles_and_nicknames() -> None:
    assert scrub("郇红梅、眭建军两位同志都反映班车太早。").counts() == {"person": 2}
    assert scrub("隗主任和逄科长都来了。").text == "〔姓名〕主任和〔姓名〕科长都来了。"
    assert scrub("小亓说宿舍太吵。").text == "〔姓名〕说宿舍太吵。"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("令狐建峰反映，工具借用手续太繁琐。", "令狐建峰"),
        ("与端木晴谈话，她希望调到白班。", "端木晴"),
        ("皇甫建国的爱人下岗了。", "皇甫建国"),
        ("据欧阳晓反映，食堂饭菜太咸。", "欧阳晓"),
        ("我们找夏侯刚谈了一次。", "夏侯刚"),
        ("上官文轩反映，宿舍网络经常断。", "上官文轩"),
        ("万俟雪梅表示对培训安排满意。", "万俟雪梅"),
    ],
)
def test_compound_surnames_without_cues_are_masked(text: str, name: str) -> None:
    _assert_masked(text, name, "person")


def test_two_compound_surname_names_joined_by_he() -> None:
    result = scrub("令狐晶和端木浩都反映倒班太频繁。")
    assert result.text == "〔姓名〕和〔姓名〕都反映倒班太频繁。"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("程浩然说他母亲病了。", ["程浩然"]),
        ("与高山谈心，他说压力很大。", ["高山"]),
        ("找林海谈话，了解他的想法。", ["林海"]),
        ("职工王平安反映，高温补贴没发。", ["王平安"]),
        ("员工金山说爱人刚生二胎。", ["金山"]),
        ("党员田野提出要加强青年工作。", ["田野"]),
        ("职工程浩然反映宿舍漏水。", ["程浩然"]),
        ("程浩然、余海洋两人都提出要参加鉴定。", ["程浩然", "余海洋"]),
        ("汪洋、夏雨两人反映宿舍潮湿。", ["汪洋", "夏雨"]),
    ],
)
def test_names_that_are_ordinary_words_in_name_positions(text: str, names: list[str]) -> None:
    result = scrub(text)
    for name in names:
        assert name not in result.text, result.text
    assert result.counts() == {"person": len(names)}


@pytest.mark.parametrize(
    "name",
    [
        "格日勒图",
        "其木格",
        "扎西次仁",
        "卓玛",
        "买买提江",
        "古丽娜尔",
        "阿依努尔",
        "吾尔开希",
        "敖登格日勒",
        "沙马拉毅",
        "阿依努尔·吐尔逊",
        "叶尔江·哈力木",
    ],
)
def test_more_minority_names_are_masked(name: str) -> None:
    _assert_masked(f"{name}说，家里老人需要照顾。", name, "person")


@pytest.mark.parametrize("name", ["吐尔洪江", "艾克热木", "帕尔曼古丽", "赛力克波力"])
def test_unlisted_transliterated_names_next_to_cues_are_masked(name: str) -> None:
    for text in (f"{name}提出要加强培训。", f"与{name}谈话，了解到他想调岗。"):
        result = scrub(text)
        assert not any(name[i : i + 2] in result.text for i in range(len(name) - 1)), result.text


@pytest.mark.parametrize(
    "phone",
    [
        "+86-10-6521 7734",
        "+86 755 8888 6666",
        "(010) 6521-7734",
        "0086-21-5888-1234",
        "0086 755 2688 1234",
        "+86 (0)21 5888 1234",
        "86-10-65217734",
        "(+86) 139 1234 5678",
        "+86 10 6521 7734 转 806",
        "+852 2345 6789",
        "+44 20 7946 0958",
        "（0755）8888-6666",
    ],
)
def test_phones_with_country_and_area_codes_are_masked_whole(phone: str) -> None:
    text = f"他留的号码是{phone}，白天有人接。"
    assert _found(text) == [(phone, "phone")]


@pytest.mark.parametrize(
    "text",
    [
        "发票号码04403180已登记，报销周期约15个工作日。",
        "共计86-10=76人参加，比分86-10。",
        "今年雨水多，暴雨过后井下排水泵要加强巡检。",
        "东方电气的设备在第五车间安装调试，大家在西门口集合。",
        "濮阳分公司和南宫市供电所联合组织了培训，这在基层司空见惯。",
        "项目部设在上官镇，东方红小学就在旁边。",
        "格桑花开的时候，乌兰察布和呼和浩特的员工都来了。",
        "高山地区巡线难度大，海洋平台的补贴是每天120元。",
        "方圆五公里内没有医院，高明的做法是提前沟通。",
        "员工陆续反映食堂涨价，职工群众反映强烈，员工宿舍反映出的问题很多。",
        "双方均表示满意，家庭和睦，后勤部门反映人手不足。",
        "年报季忙是忙，今年一线员工普调了工资。",
    ],
)
def test_more_decoys_survive_unchanged(text: str) -> None:
    assert scrub(text).text == text
