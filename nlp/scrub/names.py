"""Person names, found on normalised text with the shared jieba tagger, word lists and context cues.

jieba's nr/nrfg/nrt tags are a signal, not the truth: a tagged word counts when it starts with a surname
and is not an ordinary word (文明, 张罗 are tagged nr too); a word next to a cue (说, 反映, 同志, 谈话对象：)
counts when it starts at a word boundary and reads as surname + given name. Titles after a surname
(刘主任, 陈工) mark the surname; nicknames (小李, 老周, 阿强) and minority or transliterated names
(帕提古丽, 买买提·艾力, 约翰·史密斯) come from patterns and lists.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate

from nlp.scrub.lexicon import Lexicon, lexicon
from nlp.segment import tag, tokenizer

_CJK = "\u4e00-\u9fff"
_HAS_CJK = re.compile(f"[{_CJK}]")
_CJK_RUN = re.compile(f"[{_CJK}]+")
_NR = frozenset({"nr", "nrfg", "nrt"})
# Characters that never sit inside a given name in running text.
_STOP = frozenset(
    "的了是在有不也都就我你他她它们这那个被把给让从到着过吗呢吧啊呀么说及或上下里"
    "忙调累做吃喝看听跑拿卖找问叫搞弄想要该很太更最没怎啥谁哪比"  # verbs, adverbs (季忙是忙, 普调了工资, 费比去年)
)
# Words that start a candidate but are far more often function words than surnames (和主任, 原书记).
_FUNC = frozenset(
    "和与同跟向对把被给让叫找请由于在从将都也还又就才但是有为以及其或等这那每各该某原新全总时连干"
)
_NAME_TAGS = frozenset({"nr", "nrfg", "nrt", "nz"})
# Single-character verbs and prepositions that jieba glues to a following surname (由何书记, 找钱科长).
_GLUE = frozenset("找让请叫由问陪")
_SPEECH = frozenset({"说", "反映", "表示", "提出", "认为", "提到", "谈到", "介绍", "建议", "坦言", "本人"})
# What may stand between a list of names and its speech verb: 张三、李四两人都反映, 王五也说.
_FILLERS = (
    "两位同志",
    "三位同志",
    "几位同志",
    "两名职工",
    "两人",
    "二人",
    "三人",
    "几人",
    "两位",
    "三位",
    "等人",
    "都",
    "也",
    "均",
    "还",
    "又",
    "则",
    "就",
    "一致",
    "一起",
    "共同",
    "同时",
    "分别",
    "先后",
    "曾",
)
_FILLER_ENDS: dict[str, tuple[str, ...]] = {
    end: tuple(sorted((f for f in _FILLERS if f[-1] == end), key=len, reverse=True))
    for end in {f[-1] for f in _FILLERS}
}
# Characters of Uyghur, Kazakh, Mongolian, Tibetan and Yi names in Chinese transliteration, and the telling ones.
_TRANSLIT = frozenset(
    "阿艾爱安敖奥巴拜班宝保贝比毕别波博布才查朝其达丹旦德迪顿多额恩尔法甫嘎噶盖戈格根贡古哈海汗罕合赫呼胡"
    "吉加嘉杰江金卡凯坎克肯库拉兰朗勒力丽里琳伦罗洛玛买麦满曼孟米敏莫姆木穆那纳娜乃尼努帕佩普齐钦琴"
    "曲热仁日茹萨赛桑森沙莎什斯苏索塔泰坦特提图吐托瓦旺维乌吾西希夏欣雅亚央耶叶伊依尤玉扎珍卓孜宗祖"
    "次措呷惹毅且果荪增达娃顿珠边别谢衣牙则娅皮"
)
_ORG_END = frozenset("科部处室局委办厅队站所院校司厂矿行")
_BEFORE_NAME = frozenset("与和同跟找对据的了是在让叫请给")
_TRANSLIT_TELLING = frozenset("尔孜吐买提汗罕娜娅扎卓玛措嘎噶呷惹曼努丽格勒图斯琴敖萨吾甫依荪娃珠艾克热")
# Tags of a word that can be a name in its own right (陆地/n after 员工 and before 反映), not an adverb (陆续/d).
_NOUNISH = frozenset({"n", "nr", "nrfg", "nrt", "nz", "ns", "ng", "nt"})
# Surname characters that are also suffixes of units (动车段, 检修班, 作业区): before a title they must
# follow a clause boundary or a function word, not another word.
_UNIT = frozenset("段班区车站所厂井房包组队部科处局院矿场库港")
_NOT_AFTER_NAME = frozenset("了着过得地好挺很真太吗呢吧")
_TRAILING_VERBS = frozenset("说讲称要会能想去来在是也都就还又被把给让和与跟对")
_NON_NAME_TAGS = frozenset({"v", "d", "p", "c", "u", "ul", "uj", "uz", "ug", "uv", "ud", "r", "m", "q", "f"})
_CLAUSE = frozenset('，。；：！？、\n（(“"”)）,.;:!? ')
_NEXT_OK = frozenset("说讲和与跟也都就还又的在是对等把被给让、，。；：,;: ")
_DOTS = "·•・‧･"
_NICK_NEXT = frozenset("刚才已曾正想要会能今昨前去来让叫找请问带家")
_NICK_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
    "覃武戴莫孔汤常温康樊葛邢乔庞颜倪庄聂鲁岳翟殷申耿焦俞柳甘祝宁尚符舒阮柯纪梅凌毕裴霍涂盛翁冉骆蓝"
    "辛靳柴鲍喻祁蒲滕饶牟艾尤穆卓缪简闵邬卞姬栾隋刁巫寇郎甄虞敖巩佘邝鞠荆冀郁胥储栗燕楚鄢谌奚粟冼蔺阚屠芮晁扈"
)
# What follows a place or company name that looks like a person's (吴江分公司, 周口市).
_PLACE_NEXT = re.compile(
    "分公司|公司|市|县|区|镇|乡|村|路|街|大道|站|厂|矿|油田|供电|营业部|支行|分行|项目部|电厂|港|省"
)
# A Latin name before a form of address or a speech verb (Smith先生说).
_LATIN_NAME = re.compile(
    r"(?<![A-Za-z])[A-Z][a-z]+(?: [A-Z][a-z]+)?(?=先生|女士|小姐|同志|博士|教授|说|反映|表示)"
)
_UPPER = re.compile("[A-Z][a-z]")
_HAS_DOT = re.compile(f"[{_DOTS}]")
_A_GIVEN = (
    "强明亮芳华珍红伟龙辉杰军勇英美玲丽娟梅兰霞宝福贵根海峰波东坤飞星荣成发旺财水花彬斌光松文武建国平生祥"
)


def _trie_regex(words: Iterable[str]) -> str:
    """Return a regex matching any of `words`, longest first, as a character trie (fast in `re`)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    lx = lexicon()
    alt = _trie_regex
    parts = alt(lx.given_strong + tuple(lx.given_weak))
    return {
        "title": re.compile(f"(?:{alt(lx.titles)})"),
        "cue_after": re.compile(alt(lx.cues_after)),
        "cue_before": re.compile(f"(?:{alt(lx.cues_before)})[:：]? ?(?=[{_CJK}])"),
        "talk": re.compile(
            f"(?:与|和|同|跟|找|约|对)([{_CJK}]{{2,7}}?)(?:同志)?(?:进行了?)?(?:(?:谈话|谈心|交心|交流|沟通|面谈|聊聊|谈(?=[，。；、,;了过]|一次|一谈)))"
        ),
        "paren": re.compile(f"[（(]([{_CJK}{_DOTS}]{{2,8}})[）)]"),
        "nick": re.compile(f"[小老][{_NICK_SURNAMES}{''.join(sorted(lx.rare_surnames))}]|阿[{_A_GIVEN}]"),
        "given": re.compile(f"{parts}(?:{parts})*"),  # not (?:…)+, which re cannot prefix-scan
        "given_strong": re.compile(alt(lx.given_strong)),
        "dot": re.compile(f"[{_CJK}][{_DOTS}][{_CJK}]"),
        "label_end": re.compile(f"(?:{alt(lx.cues_before)})[:：]? ?$"),
        # A rare surname or an unambiguous compound one: a name even without a cue (隗建平的, 与端木晴).
        "plain": re.compile(alt(sorted(lx.strong_compounds | lx.rare_surnames))),
    }


class _Doc:
    """Normalised text with its jieba word boundaries and nr-tagged words."""

    __slots__ = ("text", "words", "tags", "ends", "starts", "nr", "named")

    def __init__(self, text: str) -> None:
        pairs = tag(text)
        self.text = text
        words, tags = zip(*pairs, strict=True) if pairs else ((), ())
        self.words = words
        self.tags = tags
        ends = list(accumulate(map(len, words)))
        self.ends = ends
        starts = set(ends)
        starts.add(0)
        self.starts = starts
        self.named = [i for i, p in enumerate(tags) if p in _NAME_TAGS]
        self.nr = [i for i in self.named if tags[i] != "nz"]

    def word_start(self, i: int) -> int:
        return self.ends[i] - len(self.words[i])

    def index_at(self, start: int) -> int:
        """Return the index of the word starting at `start`, or -1."""
        if start not in self.starts or start >= len(self.text):
            return -1
        return bisect_right(self.ends, start)

    def name_signal(self, start: int, k: int) -> bool:
        """Return whether jieba sees a name at `start` (surname of length `k`): an nr word there or after it."""
        for i in self.named:
            ws = self.word_start(i)
            if ws == start or ws == start + k:
                return True
        return False


def _is_cjk_run(s: str) -> bool:
    return _CJK_RUN.fullmatch(s) is not None


def _surname_len(s: str, lx: Lexicon) -> int:
    """Return the length of the surname `s` starts with (2 for compound surnames), or 0."""
    if s[:2] in lx.compound_surnames:
        return 2
    return 1 if s[:1] in lx.surnames else 0


def _given_part(s: str, lx: Lexicon) -> bool:
    """Return whether `s` is made of known minority or transliterated name parts, one of them strong."""
    pt = _patterns()
    return pt["given_strong"].match(s) is not None and pt["given"].fullmatch(s) is not None


def _chinese_name(
    c: str, lx: Lexicon, doc: _Doc, start: int, *, cued: bool, level: int = 0, anchored: bool = False
) -> bool:
    """Return whether `c` at `start` reads as surname + given name (2–4 characters).

    `level` is how strong the context is: 0 none or weak, 1 a label or a speech verb right after a name
    that starts a clause (ordinary words and dictionary names are then accepted), 2 "X同志" (even
    words on the not-a-name list).
    """
    if start not in doc.starts and not anchored:
        return False
    k = 2 if c[:2] in lx.compound_surnames else (1 if c[:1] in lx.surnames else 0)
    if (
        k == 0
        and level >= 1
        and c[:1] in lx.weak_surnames
        and lx.given_chars.issuperset(c[1:])
        and not _inside_word(doc, start, 1)
        and not tokenizer().has_word(c[:2])  # 家庭, 双方, 后勤
    ):
        k = 1  # 有, 后, 东 are surnames too, but only in a strong context (谈话对象：有志刚)
    if k == 2 and level == 0 and c[:2] not in lx.strong_compounds and len(c) < 4:
        return False  # 东方红, 第五工区: a weak compound surname needs a cue or a two-character given name
    if k == 0 or not k < len(c) <= k + 2 or (c in lx.not_names and level < 2) or c in lx.title_set:
        return False
    given = c[k:]
    if not _STOP.isdisjoint(given) or _CJK_RUN.fullmatch(c) is None:
        return False
    dict_prefix = False
    if level == 0:
        if _inside_word(doc, start, k):
            return False
        # Two-character dictionary "names" are mostly words (文明, 张罗); three-character ones mostly people.
        if len(c) == 2 and c in lx.dict_nr_words:
            return False
        i = doc.index_at(start)
        dict_prefix = i >= 0 and doc.words[i] != c and doc.words[i] in lx.dict_nr_words  # 周转|房
    if c[0] in _FUNC and (level == 0 or not doc.name_signal(start, 0)):
        return False  # 向华强认为 at the start of a clause, not 已于本周提交
    if lx.given_chars.issuperset(given):
        return True
    # Next to a cue, a compound surname or jieba's own name tag is enough (长孙无忌说, 王大锤说), but not
    # the tag the dictionary gives to ordinary words (宣传部, 周转).
    i = doc.index_at(start)
    in_dict = i >= 0 and doc.words[i] in lx.dict_nr_words
    return cued and (
        (k == 2 and c[:2] in lx.strong_compounds)
        or (doc.name_signal(start, k) and not dict_prefix and not (in_dict and level == 0))
    )


def _inside_word(doc: _Doc, start: int, k: int) -> bool:
    """Return whether jieba reads the surname at `start` as part of an ordinary word (安全|科, 关怀)."""
    i = doc.index_at(start)
    return i >= 0 and len(doc.words[i]) > k and doc.tags[i] not in _NAME_TAGS


@lru_cache(maxsize=1)
def _first_chars() -> frozenset[str]:
    """Return the characters a name can start with: surnames and the first characters of listed names."""
    lx = lexicon()
    return frozenset([*lx.surnames, *(w[0] for w in lx.compound_surnames), *(w[0] for w in lx.given_strong)])


@lru_cache(maxsize=1)
def _first_chars_wide() -> frozenset[str]:
    """Return `_first_chars()` and the weak surnames (有, 后, 东), which count only in a strong context."""
    return _first_chars() | lexicon().weak_surnames


def _name_before(
    doc: _Doc,
    lx: Lexicon,
    p: int,
    *,
    cued: bool,
    speech: bool = False,
    comrade: bool = False,
    floor: int = 0,
) -> tuple[int, int] | None:
    """Return the span of a name ending at `p`, trying 4, 3 and 2 characters.

    `floor` is the least context level (1 for a name listed next to a found one).
    """
    n = doc.text
    first = _first_chars()
    for size in (4, 3, 2):
        s = p - size
        if s < 0 or n[s] not in first:
            continue
        glued = s not in doc.starts
        if glued and not (speech and _labelled(n, s)):
            continue  # 职工程浩然反映: jieba reads 工程, but a label ends before 程
        c = n[s:p]
        level = 2 if comrade else (1 if speech and (s == 0 or n[s - 1] in _CLAUSE) else floor)
        if speech and level < 2 and (glued or _labelled(n, s)):
            # 员工金山说, 党员田野提出: a label before and a speech verb after. An ordinary word counts only
            # when jieba reads it as a noun of its own (员工陆地反映, not 员工陆续反映).
            i = doc.index_at(s)
            nounish = i >= 0 and doc.words[i] == c and doc.tags[i] in _NOUNISH
            level = 2 if c not in lx.not_names or nounish else max(level, 1)
        if _chinese_name(c, lx, doc, s, cued=cued, level=level, anchored=glued) or (
            cued and c[:1] not in _FUNC and _known_given(c, lx, doc, s)
        ):
            return s, p
    if speech or comrade:
        return _transliterated_before(doc, lx, p)
    return None


def _transliterated_before(doc: _Doc, lx: Lexicon, p: int) -> tuple[int, int] | None:
    """Return the span of an unlisted transliterated name (吐尔洪江, 那木吉拉) that starts a clause before `p`.

    Every character must be one that transliterations use, one of them a telling one (尔, 孜, 娜, 措, 呷 …),
    and the run must not be a dictionary word (拉萨, 沙特).
    """
    n = doc.text
    if p < 3 or n[p - 1] not in _TRANSLIT or n[p - 3] not in _TRANSLIT:
        return None
    s = p
    while s > 0 and p - s < 8 and n[s - 1] in _TRANSLIT:
        s -= 1
    while s < p - 2 and not (s == 0 or n[s - 1] in _CLAUSE or n[s - 1] in _BEFORE_NAME or _labelled(n, s)):
        s += 1  # 与那木吉拉, 职工图尔贡: the run starts after a clause break, a preposition or a label
    return (s, p) if _translit_ok(n[s:p], lx, n, s, doc) else None


def _translit_ok(c: str, lx: Lexicon, n: str, s: int, doc: _Doc) -> bool:
    """Return whether `c` reads as a transliterated name: telling characters, not a dictionary word."""
    jb = tokenizer()
    i = doc.index_at(s)
    head_word = jb.has_word(c[:2]) and not (i >= 0 and doc.words[i] == c[:2] and doc.tags[i] in _NR)
    return (
        3 <= len(c) <= 8
        and _TRANSLIT.issuperset(c)
        and not _TRANSLIT_TELLING.isdisjoint(c)
        and c not in lx.not_names
        and not _not_name_at(n, s, lx, len(c))
        and not jb.has_word(c)
        and not (head_word and c[:2] not in lx.given_weak and not _given_part(c[:2], lx))
    )


def _labelled(n: str, s: int) -> bool:
    """Return whether a label (职工, 党员, 同事, 谈话对象：) ends right before `s`."""
    return _patterns()["label_end"].search(n, max(0, s - 8), s) is not None


def _known_given(c: str, lx: Lexicon, doc: _Doc, start: int) -> bool:
    return start in doc.starts and _given_part(c, lx) and c not in lx.not_names and _is_cjk_run(c)


def _name_after(doc: _Doc, lx: Lexicon, q: int, *, strong: bool = True) -> tuple[int, int] | None:
    """Return the span of a name starting at `q`, after a label (谈话对象：) or a weak one (职工, 同事)."""
    n = doc.text
    i = doc.index_at(q)
    word = doc.words[i] if i >= 0 and doc.tags[i] not in _NAME_TAGS and len(doc.words[i]) >= 2 else ""
    for size in (4, 3, 2):
        e = q + size
        if e > len(n):
            continue
        c = n[q:e]
        if c[0] in _FUNC:
            return None
        after = e == len(n) or not "\u4e00" <= n[e] <= "\u9fff" or n[e] in _NEXT_OK
        if e not in doc.starts and not after:
            continue
        if word and (c != word or not after):
            continue  # 普惠|金融部, 师傅|结对: the label is followed by an ordinary word
        level = 1 if strong else 0
        if _chinese_name(c, lx, doc, q, cued=True, level=level, anchored=True) or _known_given(c, lx, doc, q):
            return q, e
    return None


def find_names(n: str) -> tuple[set[str], list[tuple[int, int]]]:
    """Return (names to mask wherever they occur, single spans) found in normalised text `n`."""
    if _HAS_CJK.search(n) is None:
        return set(), []
    lx = lexicon()
    pt = _patterns()
    doc = _Doc(n)
    names: set[str] = set()
    spans: list[tuple[int, int]] = []
    _tagged_names(doc, lx, names, spans)
    _cued_names(doc, lx, pt, names)
    titles = list(pt["title"].finditer(n))  # one scan for both uses
    _titled_names(doc, lx, titles, names, spans)
    _names_after_titles(doc, lx, titles, names)
    _nicknames(doc, lx, pt, names)
    _plain_names(doc, lx, pt, names)
    if _UPPER.search(n) is not None:
        names.update(m.group() for m in _LATIN_NAME.finditer(n))
    _listed_names(doc, lx, pt, names)
    if names:
        _enumerated_names(doc, lx, names)
    return names, spans


def _tagged_names(doc: _Doc, lx: Lexicon, names: set[str], spans: list[tuple[int, int]]) -> None:
    """Add words jieba tags as names, and a surname word followed by a tagged given name (李|红霞)."""
    n = doc.text
    for i in doc.nr:
        w = doc.words[i]
        s = doc.word_start(i)
        if (
            len(w) == 1
            and w in lx.surnames
            and w not in _FUNC
            and i + 1 < len(doc.words)
            and doc.words[i + 1][:1] in "说讲"
            and _free_before(doc, s)
        ):
            spans.append((s, s + 1))  # 说|李/nr|说得对
            continue
        if len(w) >= 2 and w[1] in "说讲" and w[0] in lx.surnames and w[0] not in _FUNC:
            if _free_before(doc, s, strict=True):
                spans.append((s, s + 1))  # 李说/nrfg: not the name 李说, but 李 speaking
            continue
        if len(w) >= 3 and w[-1] in _TRAILING_VERBS:
            w = w[:-1]  # 冯丽要|辞职, 赵总说
        elif i + 1 < len(doc.words) and doc.words[i + 1] in _NOT_AFTER_NAME:
            continue  # 钱进|了, 房挺|好: jieba's guess runs into a verb phrase
        if not _free_before(doc, s):
            continue  # 微|信群发
        if _PLACE_NEXT.match(n, s + len(w)):
            continue  # 吴江|分公司
        if _chinese_name(w, lx, doc, s, cued=False) or _known_given(w, lx, doc, s):
            names.add(w)
    pairs = set(doc.named)
    pairs.update(i + 1 for i in doc.nr if len(doc.words[i]) == 1 and i + 1 < len(doc.words))
    for i in sorted(pairs):
        if i == 0:
            continue
        prev = doc.words[i - 1]
        w = doc.words[i]
        if (
            len(prev) == 1
            and prev in lx.surnames
            and prev not in _FUNC
            and len(w) <= 2
            and w not in lx.not_names
            and w not in lx.title_set  # 隗|主任: the title rule masks the surname
            and lx.given_chars.issuperset(w)
        ):
            s = doc.word_start(i - 1)
            c = n[s : s + 1 + len(w)]
            if c not in lx.not_names and c not in lx.dict_nr_words and not (s > 0 and n[s - 1] in "小老"):
                names.add(c)


def _may_end_name(n: str, p: int, first: frozenset[str]) -> bool:
    """Return whether a name of 2–4 characters could end at `p` (cheap: its first character)."""
    return p >= 2 and (n[p - 2] in first or n[p - 3 : p - 2] in first or n[p - 4 : p - 3] in first)


def _before_fillers(n: str, p: int) -> int:
    """Return where the names end before what stands between them and a speech verb (两人都反映)."""
    for _ in range(2):
        filler = next((f for f in _FILLER_ENDS.get(n[p - 1], ()) if n.startswith(f, p - len(f))), None)
        if filler is None:
            break
        p -= len(filler)
    return p


def _cued_names(doc: _Doc, lx: Lexicon, pt: dict[str, re.Pattern[str]], names: set[str]) -> None:
    """Add names before cues (张伟说, 李娜同志), after labels (谈话对象：陈晓东) and in brackets."""
    n = doc.text
    narrow = _first_chars()
    wide = _first_chars_wide()
    for m in pt["cue_after"].finditer(n):
        p = m.start()
        if p < 2:
            continue
        if n[p - 2] in narrow or n[p - 3 : p - 2] in narrow or n[p - 4 : p - 3] in narrow:
            direct = True  # cheap test: a name can start 2–4 characters before the cue
        elif n[p - 1] in _FILLER_ENDS or (
            n[p - 1] in _TRANSLIT and n[p - 2] in _TRANSLIT and n[p - 3 : p - 2] in _TRANSLIT
        ):
            direct = (
                False  # 余海洋两人都提出 (a filler before the verb), 其木格说 (unlisted transliterations)
            )
        else:
            continue
        cue = m.group()
        speech = cue in _SPEECH
        if not direct:
            if not speech:
                continue
            direct = n[p - 1] in _TRANSLIT and n[p - 3 : p - 2] in _TRANSLIT
        if p not in doc.starts:
            j = bisect_right(doc.ends, p)  # the word holding the cue's first character
            if j >= len(doc.ends) or doc.ends[j] != m.end():
                continue  # the cue must be a word or end one (华说), not start a longer word (成问题)
        found = _name_before(doc, lx, p, cued=True, speech=speech, comrade=cue == "同志") if direct else None
        if not found and speech and n[p - 1] in _FILLER_ENDS:
            q = _before_fillers(n, p)
            if q != p and q in doc.starts and _may_end_name(n, q, narrow):
                found = _name_before(doc, lx, q, cued=True, speech=True)  # 余海洋两人都提出
        if found and cue == "是" and found[1] - found[0] == 2 and not doc.name_signal(found[0], 0):
            continue  # 路全是泥: a weak cue needs jieba's name tag on a two-character name
        if found:
            names.add(n[found[0] : found[1]])
    for m in pt["cue_before"].finditer(n):
        q = m.end()
        if n[q] not in wide:
            continue
        if m.start() not in doc.starts and q not in doc.starts:
            continue  # 带教|师傅: the label must start or end a word
        if q not in doc.starts and doc.index_at(q) < 0:
            i = bisect_right(doc.ends, q)
            if i >= len(doc.tags) or doc.tags[i] not in _NR:
                continue  # 慰问信: the label runs into a longer word
        strong = m.group()[-1] in ":： " or m.group() not in lx.weak_labels
        found = _name_after(doc, lx, q, strong=strong)
        if found:
            names.add(n[found[0] : found[1]])
    talk = "谈" in n or "交" in n or "沟" in n or "聊" in n  # cheap tests before the scans
    for pattern in ("talk", "paren"):
        if not (talk if pattern == "talk" else "(" in n):
            continue
        for m in pt[pattern].finditer(n):
            c = m.group(1)
            s = m.start(1)
            anchored = pattern == "talk"  # 找江涛谈: jieba glues 找 to the name
            if anchored and len(c) >= 3 and c[-1] in _ORG_END:
                continue  # 与安全科谈话, 与宣传部沟通: a department, not a person
            level = 1
            if anchored and c in lx.not_names and "谈" in n[m.end(1) : m.end()]:
                # 与高峰谈话: whom one has a talk with (not 交流, 沟通: 与华为交流) is a person, if jieba reads
                # the word as a noun of its own
                i = doc.index_at(s)
                level = 2 if i >= 0 and doc.words[i] == c and doc.tags[i] in _NOUNISH else 1
            if (
                _chinese_name(c, lx, doc, s, cued=True, level=level, anchored=anchored)
                or (
                    _known_given(c, lx, doc, s) or (anchored and _given_part(c, lx) and c not in lx.not_names)
                )
                or _dotted(c)
                or (anchored and _translit_ok(c, lx, n, s, doc))
            ):
                names.add(c)


def _titled_names(
    doc: _Doc, lx: Lexicon, titles: list[re.Match[str]], names: set[str], spans: list[tuple[int, int]]
) -> None:
    """Add the surname before a title (刘主任, 陈工 → 刘, 陈), or the full name (王建国书记)."""
    n = doc.text
    for m in titles:
        p, q = m.start(), m.end()
        if p == 0:
            continue
        title = m.group()
        short = len(title) == 1
        if n[p - 1] == title[0] or not _title_split(doc, p, q):
            continue  # 班班长; 班主任, 安排长期, 区队: the surname is part of another word
        if short:
            # 陈工, 孙队: the title ends a word and the pair is not a word of its own (施工, 车队, 民工).
            if (q not in doc.starts and (q >= len(n) or n[q] not in _NEXT_OK)) or n[
                p - 1 : q
            ] in lx.not_names:
                continue
            if n[p - 1] not in lx.surnames:
                continue
        else:
            full = _name_before(doc, lx, p, cued=True)
            if full is not None and n[full[0]] not in _FUNC:
                names.add(n[full[0] : full[1]])
                continue
        if p >= 2 and n[p - 2 : p] in lx.strong_compounds and p - 2 in doc.starts:
            spans.append((p - 2, p))
            continue
        ch = n[p - 1]
        if ch not in lx.surnames or ch in _FUNC or n[p - 1 : q] in lx.not_names:
            continue
        i = doc.index_at(p - 1)
        if (
            i >= 0
            and len(doc.words[i]) == 1
            and doc.tags[i] in _NON_NAME_TAGS
            and doc.tags[i] != "q"
            and not (p == 1 or n[p - 2] in _CLAUSE)
        ):
            continue  # 约|谈/v|站长, but 谢/v|处长 at the start of a clause
        if ch in _UNIT and not (p < 2 or n[p - 2] in _GLUE or _free_before(doc, p - 1, strict=True)):
            continue  # 动车段技术员, 检修班技术员
        if p < 2 or n[p - 2] in _GLUE or _free_before(doc, p - 1):
            spans.append((p - 1, p))


def _names_after_titles(doc: _Doc, lx: Lexicon, titles: list[re.Match[str]], names: set[str]) -> None:
    """Add names right after a title (班长严立新, 组长钱丽), which must read as names on their own."""
    n = doc.text
    first = _first_chars()
    for m in titles:
        q = m.end()
        if q < len(n) and n[q] in first and len(m.group()) >= 2 and q in doc.starts:
            found = _name_after(doc, lx, q, strong=False)
            if found:
                names.add(n[found[0] : found[1]])


def _title_split(doc: _Doc, p: int, q: int) -> bool:
    """Return whether jieba splits surname and title (刘|主任) or reads them as one name (李师傅/nr)."""
    if p in doc.starts and p - 1 in doc.starts:
        return True
    if p >= 2 and doc.text[p - 2] in _GLUE and p in doc.starts:
        return True  # 由何|书记
    i = doc.index_at(p - 1)
    if i < 0 or doc.ends[i] < q:
        return False
    if doc.tags[i] in _NR:
        return True  # 李师傅/nr
    # 孙队/n, 周工/n: the word is exactly surname + title
    return doc.ends[i] == q and doc.text[p - 1] not in _UNIT


def _free_before(doc: _Doc, s: int, *, strict: bool = False) -> bool:
    """Return whether the character before `s` ends a clause, a function word or (unless strict) a word."""
    if s == 0:
        return True
    prev = doc.text[s - 1]
    if not "\u4e00" <= prev <= "\u9fff" or prev in _FUNC or prev in _STOP or prev in _NEXT_OK:
        return True
    if strict:
        return False
    j = bisect_right(doc.ends, s - 1)  # index of the word holding s - 1
    return j < len(doc.ends) and doc.ends[j] == s and len(doc.words[j]) >= 2 and prev not in "小老"


def _nicknames(doc: _Doc, lx: Lexicon, pt: dict[str, re.Pattern[str]], names: set[str]) -> None:
    """Add nicknames: 小李, 老周, 阿强."""
    n = doc.text
    if "小" not in n and "老" not in n and "阿" not in n:
        return
    for m in pt["nick"].finditer(n):
        s, e = m.start(), m.end()
        w = m.group()
        if w in lx.not_names or (s not in doc.starts and (s == 0 or n[s - 1] not in _GLUE)):
            continue
        glued = e < len(n) and e not in doc.starts and n[e] not in _NEXT_OK and n[e] not in _NICK_NEXT
        if glued and not (s == 0 or n[s - 1] in _CLAUSE):
            continue  # 小邱刚结婚 starts a clause; 老黄牛 inside one does not
        names.add(w)


def _listed_names(doc: _Doc, lx: Lexicon, pt: dict[str, re.Pattern[str]], names: set[str]) -> None:
    """Add minority and transliterated names: 帕提古丽, 扎西多吉, 买买提·艾力."""
    n = doc.text
    for m in pt["given"].finditer(n):
        w = m.group()
        if w in lx.not_names or (m.start() not in doc.starts and not _surname_len(n[m.start() - 1 :], lx)):
            continue
        if _not_name_at(n, m.start(), lx, len(w)):
            continue
        strong = pt["given_strong"].search(w) is not None
        if strong or (len(w) >= 3 and w not in lx.given_weak):
            s, e = _widen(doc, pt, m.start(), m.end())
            names.add(n[s:e])
    if _HAS_DOT.search(n) is not None:
        for m in pt["dot"].finditer(n):
            span = _dotted_span(doc, m.start() + 1)
            if span is not None:
                names.add(n[span[0] : span[1]])


def _plain_names(doc: _Doc, lx: Lexicon, pt: dict[str, re.Pattern[str]], names: set[str]) -> None:
    """Add names after a rare or compound surname, which need no cue: 隗建平的母亲, 与端木晴谈话, 令狐建峰."""
    n = doc.text
    size = len(n)
    for m in pt["plain"].finditer(n):
        s, g = m.start(), m.end()
        if not (_free_before(doc, s) or n[s - 1] in _GLUE) or g >= size:
            continue
        if not _given_char(n[g], lx) or pt["title"].match(n, g) is not None:
            continue  # 隗主任: the title rule masks the surname
        e = g + 1
        # A second given-name character, unless a cue starts there (端木晴谈话, 令狐建峰反映).
        if (
            e < size
            and _CJK_RUN.match(n[e])
            and n[e] not in _NEXT_OK
            and pt["cue_after"].match(n, e) is None
            and (_given_char(n[e], lx) or _name_word(doc, g, e + 1))
        ):
            e += 1
        if (
            e < size
            and e not in doc.starts
            and _CJK_RUN.match(n[e])
            and n[e] not in _NEXT_OK
            and pt["cue_after"].match(n, e) is None
        ):
            continue  # the run goes on: not a name of its own
        c = n[s:e]
        if (
            c in lx.not_names
            or _not_name_at(n, s, lx, len(c))
            or _PLACE_NEXT.match(n, e)
            or _PLACE_NEXT.match(n, e - 1)
        ):
            continue  # 上官镇, 佘山区
        names.add(c)


def _name_word(doc: _Doc, s: int, e: int) -> bool:
    """Return whether jieba reads n[s:e] as one word tagged as a name (上官|文轩/nr)."""
    i = doc.index_at(s)
    return i >= 0 and doc.ends[i] == e and doc.tags[i] in _NR


def _given_char(ch: str, lx: Lexicon) -> bool:
    return ch in lx.given_chars and ch not in _FUNC and ch not in _STOP


def _not_name_at(n: str, s: int, lx: Lexicon, least: int) -> bool:
    """Return whether a word of the not-a-name list, of `least` characters or more, starts at `s` (格桑花, 栾树)."""
    return any(n[s : s + size] in lx.not_names for size in range(max(least, 2), least + 4))


def _widen(doc: _Doc, pt: dict[str, re.Pattern[str]], s: int, e: int) -> tuple[int, int]:
    """Widen a listed name part over the transliterated characters around it (帕尔曼|古丽, 阿不都|瓦依提)."""
    n = doc.text
    left = s
    while left > 0 and s - left < 4 and n[left - 1] in _TRANSLIT:
        left -= 1
    if left < s and not (
        left == 0 or n[left - 1] in _CLAUSE or n[left - 1] in _BEFORE_NAME or _labelled(n, left)
    ):
        left = s  # 喀什|古丽: the characters before belong to another word
    right = e
    while (
        right < len(n) and right - e < 4 and n[right] in _TRANSLIT and pt["cue_after"].match(n, right) is None
    ):
        right += 1
    if right > e and not (right == len(n) or right in doc.starts or n[right] in _CLAUSE):
        right = e
    return left, right


def _enumerated_names(doc: _Doc, lx: Lexicon, names: set[str]) -> None:
    """Add names listed next to a found one: 徐立新、孙建华、朱丽萍三位同志."""
    n = doc.text
    for name in list(names):
        i = n.find(name)
        while i >= 0:
            e = i + len(name)
            if e < len(n) and n[e] in "、和与及":
                found = _name_after(doc, lx, e + 1) or _tagged_after(doc, lx, e + 1)
                if found:
                    names.add(n[found[0] : found[1]])
            if i >= 2 and n[i - 1] in "、和与及":
                found = _name_before(doc, lx, i - 1, cued=True, floor=1 if n[i - 1] == "、" else 0)
                if found:
                    names.add(n[found[0] : found[1]])
            i = n.find(name, e)


def _tagged_after(doc: _Doc, lx: Lexicon, q: int) -> tuple[int, int] | None:
    """Return the span of an nr-tagged word starting at `q` (汤姆和杰瑞), if it is one."""
    i = doc.index_at(q)
    if i < 0 or doc.tags[i] not in _NR:
        return None
    w = doc.words[i]
    if not 2 <= len(w) <= 6 or w in lx.not_names or w in lx.dict_nr_words or not _is_cjk_run(w):
        return None
    return q, q + len(w)


def _dotted(c: str) -> bool:
    return any(d in c for d in _DOTS) and c[0] not in _DOTS and c[-1] not in _DOTS


def _dotted_span(doc: _Doc, dot: int) -> tuple[int, int] | None:
    """Return the span of a dotted name around the dot at `dot`: the word before and the word after."""
    n = doc.text
    left = dot
    for i, end in enumerate(doc.ends):
        if end == dot:
            left = doc.word_start(i)
            if dot - left == 1 and i > 0 and _is_cjk_run(doc.words[i - 1]):
                left = doc.word_start(i - 1)
            break
    right = dot + 1
    while right < len(n) and ("\u4e00" <= n[right] <= "\u9fff" or n[right] in _DOTS):
        if right in doc.starts and right > dot + 1 and n[right - 1] not in _DOTS:
            break
        right += 1
    word = n[dot + 1 : right]
    if len(word) >= 3 and word[-1] in "说讲称":
        right -= 1
    if left == dot or right == dot + 1 or not _is_cjk_run(n[left:dot]):
        return None
    return left, right
