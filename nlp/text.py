"""Text normalisation that keeps every character at its offset.

Full-width ASCII becomes half-width and traditional characters become simplified, one character for one,
so that spans found on the normalised text are spans of the input text as well.
"""

from __future__ import annotations

from functools import lru_cache

_FULLWIDTH_OFFSET = 0xFEE0


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    try:  # traditional -> simplified, single characters only (cheap and length-preserving)
        from zhconv import zhconv as _zh

        for trad, simp in _zh.getdict("zh-cn").items():
            if len(trad) == 1 and len(simp) == 1 and trad != simp and not trad.isascii():
                table[ord(trad)] = simp
    except ImportError:  # pragma: no cover - zhconv is a declared dependency
        pass
    for code in range(0xFF01, 0xFF5F):  # ！ .. ～
        table[code] = chr(code - _FULLWIDTH_OFFSET)
    table[0x3000] = " "  # ideographic space
    # Quotes and brackets keep their Chinese form: the table above maps 「」 to “” which is fine.
    return table


def normalise(text: str) -> str:
    """Return `text` with full-width ASCII made half-width and traditional characters simplified.

    The result has exactly the same length as the input.
    """
    return text.translate(_table())
