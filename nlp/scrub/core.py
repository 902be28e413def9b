"""The scrubber's public API: find personal data in a note and replace it by typed placeholders."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from nlp.scrub.names import find_names
from nlp.scrub.numbers import find_numbers
from nlp.text import normalise

PLACEHOLDERS: dict[str, str] = {
    "person": "〔姓名〕",
    "phone": "〔电话〕",
    "id_card": "〔身份证号〕",
    "email": "〔邮箱〕",
    "bank_card": "〔银行卡号〕",
}


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One piece of personal data: input offsets (end exclusive) and its type."""

    start: int
    end: int
    type: str


@dataclass(frozen=True, slots=True)
class ScrubResult:
    """The scrubbed text and the spans of the input it replaced."""

    text: str
    spans: list[PiiSpan]

    def counts(self) -> dict[str, int]:
        """Return how many spans of each type were replaced."""
        return dict(Counter(s.type for s in self.spans))


def _occurrences(n: str, name: str) -> Iterable[tuple[int, int]]:
    i = n.find(name)
    while i >= 0:
        yield i, i + len(name)
        i = n.find(name, i + len(name))


def _spans(n: str) -> list[PiiSpan]:
    numbers = sorted(find_numbers(n), key=lambda s: (s[0], -s[1]))
    names, single = find_names(n)
    person: list[tuple[int, int]] = list(single)
    for name in names:
        person.extend(_occurrences(n, name))
    out: list[PiiSpan] = []
    last = 0
    for s, e, kind in numbers:  # numbers first: they are exact
        if s >= last:
            out.append(PiiSpan(s, e, kind))
            last = e
    taken = [(s.start, s.end) for s in out]
    merged: list[list[int]] = []
    for s, e in sorted(person):
        if any(s < te and ts < e for ts, te in taken):
            continue
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out.extend(PiiSpan(s, e, "person") for s, e in merged)
    out.sort(key=lambda sp: sp.start)
    return out


def _apply(text: str, spans: list[PiiSpan]) -> str:
    parts: list[str] = []
    pos = 0
    for sp in spans:
        parts.append(text[pos : sp.start])
        parts.append(PLACEHOLDERS[sp.type])
        pos = sp.end
    parts.append(text[pos:])
    return "".join(parts)


def _to_input(extra: list[PiiSpan], spans: list[PiiSpan]) -> list[PiiSpan]:
    """Map spans found in the scrubbed text back to offsets of the input that produced it."""
    # Segments of the scrubbed text: (output start, output end, input start, input end, is placeholder).
    segments: list[tuple[int, int, int, int, bool]] = []
    out = inp = 0
    for sp in spans:
        if sp.start > inp:
            segments.append((out, out + sp.start - inp, inp, sp.start, False))
            out += sp.start - inp
        size = len(PLACEHOLDERS[sp.type])
        segments.append((out, out + size, sp.start, sp.end, True))
        out += size
        inp = sp.end

    def locate(pos: int, *, end: bool) -> int:
        for o_start, o_end, i_start, i_end, placeholder in segments:
            if o_start <= pos < o_end or (end and pos == o_end):
                if placeholder:
                    return i_end if end else i_start
                return i_start + pos - o_start
        return inp + pos - out  # after the last placeholder

    return [PiiSpan(locate(x.start, end=False), locate(x.end, end=True), x.type) for x in extra]


def _merge(spans: list[PiiSpan]) -> list[PiiSpan]:
    merged: list[PiiSpan] = []
    for sp in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and sp.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = PiiSpan(last.start, max(last.end, sp.end), last.type)
        else:
            merged.append(sp)
    return merged


def scrub(text: str) -> ScrubResult:
    """Replace the personal data in `text` by typed placeholders and return the result with its spans."""
    spans = _spans(normalise(text))
    if not spans:
        return ScrubResult(text, [])
    scrubbed = _apply(text, spans)
    if all(sp.type != "person" for sp in spans):
        return ScrubResult(scrubbed, spans)  # numbers and e-mails do not depend on their neighbours
    # Masking a name can reveal its neighbour (阿小王伟 → 〔姓名〕王伟): scrub again until nothing changes.
    for _ in range(3):
        extra = _spans(normalise(scrubbed))
        if not extra:
            break
        spans = _merge(spans + _to_input(extra, spans))
        scrubbed = _apply(text, spans)
    return ScrubResult(scrubbed, spans)


def scrub_many(texts: Iterable[str]) -> list[ScrubResult]:
    """Scrub each text in turn."""
    return [scrub(t) for t in texts]
