"""Segmentation: our jieba-rs tokenizer gives jieba's tokens, and the domain dictionary is in force."""

from __future__ import annotations

import jieba
import pytest

from nlp.segment import cut, tokenize, user_dictionary
from nlp.text import normalise


@pytest.fixture(scope="module")
def reference() -> jieba.Tokenizer:
    tk = jieba.Tokenizer()
    for word, freq, tag in user_dictionary():
        tk.add_word(word, freq, tag)
    return tk


def test_tokens_equal_jieba_on_the_whole_corpus(reference: jieba.Tokenizer, corpus_texts: list[str]) -> None:
    assert len(corpus_texts) > 3000
    mismatches = [t for t in corpus_texts if cut(normalise(t)) != reference.lcut(normalise(t))]
    assert mismatches == []


@pytest.mark.parametrize(
    "text",
    ["A-CDM系统培训", "超过1.0%，涨了12%", "GB50016-2014规范", "C++开发", "wifi_5G", "v1.2.3版", "12:30下班", "#3主变"],
)
def test_ascii_runs_split_as_jieba_does(reference: jieba.Tokenizer, text: str) -> None:
    assert cut(normalise(text)) == reference.lcut(normalise(text))


@pytest.mark.parametrize("term", ["三会一课", "主题党日", "劳务派遣", "两地分居", "五险一金", "职称评审", "倒班", "安全帽"])
def test_domain_terms_stay_whole(term: str) -> None:
    assert term in tokenize(f"大家谈到{term}的问题")


def test_normalise_keeps_length_and_maps_width_and_script() -> None:
    text = "ＫＰＩ考核，後來頭髮乾了　１２３"
    out = normalise(text)
    assert len(out) == len(text)
    assert out == "KPI考核,后来头发干了 123"


def test_tokenize_drops_whitespace() -> None:
    assert " " not in tokenize("加班  太多\n了")
