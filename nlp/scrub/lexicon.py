"""Word lists of the scrubber, loaded once from `nlp/data/pii/` through importlib.resources."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def _words(name: str) -> list[str]:
    """Return the whitespace-separated words of a packaged list, skipping `#` comments."""
    text = resources.files("nlp").joinpath("data", "pii", name).read_text(encoding="utf-8")
    words: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.extend(line.split())
    return words


def _sections(name: str) -> dict[str, list[str]]:
    """Return the words of a packaged list by section: "" before any "weak:"/"rare:" marker, then each marker."""
    sections: dict[str, list[str]] = {"": []}
    target = sections[""]
    for word in _words(name):
        if word.endswith(":") and len(word) > 1:
            target = sections.setdefault(word[:-1], [])
            continue
        target.append(word)
    return sections


@dataclass(frozen=True, slots=True)
class Lexicon:
    surnames: frozenset[str]
    weak_surnames: frozenset[str]
    rare_surnames: frozenset[str]
    compound_surnames: frozenset[str]
    strong_compounds: frozenset[str]
    titles: tuple[str, ...]
    title_set: frozenset[str]
    cues_after: tuple[str, ...]
    cues_before: tuple[str, ...]
    weak_labels: frozenset[str]
    given_chars: frozenset[str]
    given_strong: tuple[str, ...]
    given_weak: frozenset[str]
    not_names: frozenset[str]
    dict_nr_words: frozenset[str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Return the scrubber's word lists (built once per process)."""
    given = _sections("given_names.txt")
    strong = given[""]
    weak = given.get("weak", [])
    surnames = _sections("surnames.txt")
    single = frozenset(w for w in surnames[""] + surnames.get("rare", []) if len(w) == 1)
    compounds = _sections("compound_surnames.txt")
    weak_compounds = frozenset(compounds.get("weak", []))
    by_length = lambda words: tuple(sorted(set(words), key=lambda w: (-len(w), w)))  # noqa: E731
    return Lexicon(
        surnames=single,
        weak_surnames=frozenset(w for w in surnames.get("weak", []) if len(w) == 1) - single,
        rare_surnames=frozenset(w for w in surnames.get("rare", []) if len(w) == 1),
        compound_surnames=frozenset(compounds[""]) | weak_compounds,
        strong_compounds=frozenset(compounds[""]) - weak_compounds,
        titles=by_length(_words("titles.txt")),
        title_set=frozenset(_words("titles.txt")),
        cues_after=by_length(_words("cues_after.txt")),
        cues_before=by_length(_words("cues_before.txt") + _words("weak_labels.txt")),
        weak_labels=frozenset(_words("weak_labels.txt")),
        given_chars=frozenset("".join(_words("given_chars.txt"))),
        given_strong=by_length(strong),
        given_weak=frozenset(weak),
        not_names=frozenset(w for w in _words("not_names.txt") if len(w) >= 2),
        dict_nr_words=frozenset(_words("dict_nr_words.txt")),
    )
