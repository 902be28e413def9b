"""Word segmentation: one jieba-compatible tokenizer with the project's domain dictionary.

The tokenizer is jieba-rs (through `rjieba`), which gives the same tokens as jieba's own `Tokenizer`
with the same dictionary and runs far faster; `tests/nlp/test_segment.py` holds them equal on the corpus.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import rjieba

from nlp.text import normalise

_USERDICT = "userdict.txt"
# Runs of ASCII outside the dictionary: jieba splits them with this rule (finalseg's re_skip); jieba-rs
# differs on some ("A-CDM", "2024-03-05" whole; "1.0%" in two), so such runs are re-split the jieba way.
_ASCII = re.compile(r"^[a-zA-Z0-9+#&._%-]+$")  # the ASCII part of jieba's re_han_default
_HAS_ASCII_RUN = re.compile(r"[a-zA-Z0-9+#&._%-]{2}")
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


def user_dictionary() -> list[tuple[str, int, str]]:
    """Return the domain dictionary entries as (word, frequency, tag)."""
    entries: list[tuple[str, int, str]] = []
    text = resources.files("nlp").joinpath("data").joinpath(_USERDICT).read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 else 1000
        tag = parts[2] if len(parts) > 2 else "n"
        entries.append((word, freq, tag))
    return entries


@lru_cache(maxsize=1)
def tokenizer() -> rjieba.Jieba:
    """Return the shared tokenizer, built once with the domain dictionary."""
    jb = rjieba.Jieba()
    for word, freq, tag in user_dictionary():
        jb.add_word(word, freq, tag)
    return jb


def cut(text: str) -> list[str]:
    """Segment already-normalised text into words, exactly as jieba's default mode with HMM does."""
    jb = tokenizer()
    words = jb.cut(text)
    if not _HAS_ASCII_RUN.search(text):
        return words
    out: list[str] = []
    run: list[str] = []
    for w in words:
        if _ASCII.match(w) and (len(w) == 1 or not jb.has_word(w)):
            run.append(w)
            continue
        if run:
            out.extend(p for p in _JIEBA_SKIP.split("".join(run)) if p)
            run = []
        out.append(w)
    if run:
        out.extend(p for p in _JIEBA_SKIP.split("".join(run)) if p)
    return out


def tokenize(text: str) -> list[str]:
    """Normalise and segment `text`, dropping whitespace tokens; the analyzer the models use."""
    return [w for w in tokenizer().cut(normalise(text)) if not w.isspace()]


def tag(text: str) -> list[tuple[str, str]]:
    """Segment already-normalised text into (word, part-of-speech) pairs."""
    return tokenizer().tag(text)
