"""Analyzers shared by training (scikit-learn vectorizers) and serving (the compact model).

Each feature block has an analyzer on raw text (what the scikit-learn vectorizer calls) and the same on text
that `prepare` has already been applied to (what the compact model calls, preparing each note once).
Kept free of scikit-learn imports so that the served tagger starts fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from nlp.segment import cut
from nlp.text import normalise

_WHITE_SPACES = re.compile(r"\s\s+")
_PUNCT = re.compile(r"^[\W_]+$")


def prepare(text: str) -> str:
    """Normalise and lower-case a text once; every normalised_* analyzer takes its result."""
    return normalise(text).lower()


@lru_cache(maxsize=8)
def _words(doc: str) -> tuple[str, ...]:
    match = _PUNCT.match
    return tuple([w for w in cut(doc) if not match(w)])


def normalised_word_ngrams(doc: str) -> list[str]:
    """Word unigrams and bigrams (joined by a space) of normalised text, punctuation dropped."""
    words = _words(doc)
    grams = list(words)
    grams.extend([f"{a} {b}" for a, b in zip(words, words[1:], strict=False)])
    return grams


def normalised_char_ngrams(doc: str) -> list[str]:
    """Character unigrams and bigrams of normalised text (runs of white space count as one)."""
    doc = _WHITE_SPACES.sub(" ", doc)
    grams = list(doc)
    grams.extend([doc[i : i + 2] for i in range(len(doc) - 1)])
    return grams


def word_ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams of raw text (the 'word' block)."""
    return normalised_word_ngrams(prepare(text))


def char_ngrams(text: str) -> list[str]:
    """Character unigrams and bigrams of raw text (the 'char' block)."""
    return normalised_char_ngrams(prepare(text))


# block name -> (analyzer on raw text, analyzer on normalised text), in feature order
BLOCKS: dict[str, tuple[Callable[[str], list[str]], Callable[[str], list[str]]]] = {
    "word": (word_ngrams, normalised_word_ngrams),
    "char": (char_ngrams, normalised_char_ngrams),
}
