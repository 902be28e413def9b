"""Phones, resident ID numbers, bank cards and e-mail addresses, found on normalised text.

Digits are read as chunks of digit groups joined by single separators (space, dash, brackets), so that
138-0013-8000, (0571)8888 6666 and 6222 0212 3456 7890 128 are one candidate each. Within a chunk the
longest run of consecutive groups that reads as a known number wins, left to right.
"""

from __future__ import annotations

import re

# One chunk: digit groups joined by a single space or dash, or by brackets around an area code.
_SEP = "[ \u00a0\u2002-\u200a\u202f.\\-\u2010-\u2015]"  # spaces, dots, hyphens and dashes
_CHUNK = re.compile(rf"[0-9]+(?:(?:{_SEP}\(?|\){_SEP}?|\()[0-9]+)*[Xx]?")
# Half-hidden numbers (138****8000, 110101********1234) still give away part of the number.
_STARRED = re.compile(r"(?<![0-9])[0-9]{3,6}\*{3,10}[0-9]{2,4}[Xx]?(?![0-9])")
# Numbers written in Chinese numerals (幺三八〇〇一三八〇〇〇): read them as digits.
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九幺洞", "0012345678910")
_CN_RUN = re.compile("[〇零一二三四五六七八九幺洞]{7,19}")
_GROUP = re.compile(r"[0-9]+[Xx]?")
_EXTENSION = re.compile(r"[ ]?(?:转|ext\.?|EXT\.?|Ext\.?|分机|-)[ ]?[0-9]{1,5}(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9_%+\-][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*")

_CTX_ID = re.compile(r"身份证|证件号|身份号|公民身份")
_CTX_BANK = re.compile(r"银行卡|卡号|账号|帐号|账户|帐户|工资卡|储蓄卡|信用卡|借记卡|开户|银行")
# 号码 is a phone's context, but not in 发票号码, 订单号码 and the like.
_CTX_PHONE = re.compile(
    r"电话|手机|座机|分机|热线|联系方式|(?<!发票)(?<!票据)(?<!订单)(?<!运单)(?<!合同)(?<!工单)(?<!车牌)(?<!序列)号码"
    r"|致电|拨打|[Tt][Ee][Ll]"
)
# A country code before a phone number: +86, (+86), 0086, +852, and a bare 86- before an area code.
_COUNTRY = re.compile(
    rf"(?<![0-9A-Za-z])(?:\((?:\+|00)?([0-9]{{1,3}})\)|\+([0-9]{{1,3}})|00(86|852|853|886)(?=[ (\-]|{_SEP})|(86)(?={_SEP}))"
)
_PHONE_PART = re.compile(rf"(?:{_SEP}|[()]){{0,3}}([0-9]{{1,8}})")
_ZERO = re.compile(rf"{_SEP}?\(0\)")
_CONTEXT_WIDTH = 12

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE_SECOND = frozenset("3456789")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def id_check_digit(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id18(s: str) -> bool:
    """Return whether `s` is an 18-character resident ID with a correct check character."""
    return len(s) == 18 and s[:17].isdigit() and s[:17].isascii() and id_check_digit(s[:17]) == s[17].upper()


def _valid_date(yyyy: int, mm: int, dd: int) -> bool:
    return 1 <= mm <= 12 and 1 <= dd <= _DAYS[mm - 1] and 1900 <= yyyy <= 2099


def is_valid_id15(s: str) -> bool:
    """Return whether `s` is a legacy 15-digit resident ID (region code, then a valid YYMMDD)."""
    if len(s) != 15 or not s.isdigit() or s[0] not in "12345678":
        return False
    return _valid_date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]))


def luhn_ok(digits: str) -> bool:
    """Return whether a digit string passes the Luhn check."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = ord(c) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _looks_like_date(d: str) -> bool:
    """Return whether 8 digits read as YYYYMMDD (电话会议20240305召开 is not a phone number)."""
    return len(d) == 8 and _valid_date(int(d[:4]), int(d[4:6]), int(d[6:8])) and d[:2] in ("19", "20")


def _is_mobile(d: str) -> bool:
    return len(d) == 11 and d[0] == "1" and d[1] in _MOBILE_SECOND


def _context(n: str, start: int, pattern: re.Pattern[str]) -> bool:
    window = n[max(0, start - _CONTEXT_WIDTH) : start]
    cut = window.rfind("〕")  # text before an earlier placeholder is not this number's context
    if cut >= 0:
        window = window[cut + 1 :]
    return pattern.search(window) is not None


def _landline_groups(sizes: tuple[int, ...]) -> bool:
    """Return whether groups read as area code + number (010-12345678, 0571 8888 6666), if grouped."""
    return not sizes or (sizes[0] in (3, 4) and 7 <= sum(sizes[1:]) <= 8)


def _card_groups(d: str, sizes: tuple[int, ...]) -> bool:
    """Return whether a grouped Luhn-valid number is written like a card (4-4-4-4-3, 6-13), not a list."""
    if sizes[0] == 6 and len(sizes) == 2:
        return True
    return all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4


def _classify(
    d: str, n: str, start: int, plus: bool, grouped: tuple[int, ...] = (), whole: bool = True
) -> str | None:
    """Return the type of the digit string `d` (groups of sizes `grouped`; `whole` if it is the chunk)."""
    size = len(d)
    if d[-1] in "Xx":
        if size == 18 and (is_valid_id18(d) or _context(n, start, _CTX_ID)):
            return "id_card"
        return None
    if size == 11 and _is_mobile(d):
        return "phone"
    if size == 13 and d.startswith("86") and _is_mobile(d[2:]):
        return "phone"
    if size == 15 and d.startswith("0086") and _is_mobile(d[4:]):
        return "phone"
    if size == 18 and is_valid_id18(d):
        return "id_card"
    if size == 15 and is_valid_id15(d):
        return "id_card"
    if 16 <= size <= 19 and luhn_ok(d) and (not grouped or _card_groups(d, grouped)):
        return "bank_card"
    if size == 18 and _context(n, start, _CTX_ID):
        return "id_card"
    if 16 <= size <= 19 and _context(n, start, _CTX_BANK):
        return "bank_card"
    if d[0] == "0" and d[1] != "0" and 10 <= size <= 12 and whole and _landline_groups(grouped):
        return "phone"  # landline with area code
    if size == 10 and d[:3] in ("400", "800"):
        return "phone"
    if plus and d.startswith("86") and 11 <= size <= 13:
        return "phone"  # +86 and a landline without its leading 0
    if 7 <= size <= 8 and whole and not _looks_like_date(d) and _context(n, start, _CTX_PHONE):
        return "phone"
    return None


def _groups_ok(groups: list[tuple[int, int, str]], i: int, j: int) -> bool:
    """Return whether groups i..j look like one grouped number (no 2-digit parts as in 2024-03-05)."""
    for g in range(i, j + 1):
        size = len(groups[g][2])
        if size < 3 and not (g == i and groups[g][2] == "86") and not (g == j and g > i + 2):
            return False
    return True


def _scan_chunk(n: str, cs: int, ce: int, out: list[tuple[int, int, str]]) -> None:
    groups = [(m.start(), m.end(), m.group()) for m in _GROUP.finditer(n, cs, ce)]
    k = len(groups)
    i = 0
    while i < k:
        found = None
        total = 0
        ends: list[int] = []
        for j in range(i, k):  # digit counts of the runs groups[i..j]
            total += len(groups[j][2])
            if total > 20:
                break
            ends.append(j)
        for j in reversed(ends):
            if j > i and not _groups_ok(groups, i, j):
                continue
            digits = "".join(g[2] for g in groups[i : j + 1])
            if len(digits) < 7:
                break
            start = groups[i][0]
            plus = start > 0 and n[start - 1] == "+"
            sizes = tuple(len(g[2]) for g in groups[i : j + 1]) if j > i else ()
            # The whole chunk, or all of it but an extension (0755-8888888-123).
            whole = j == k - 1 or (j == k - 2 and len(groups[k - 1][2]) <= 5 and n[groups[j][1]] == "-")
            kind = _classify(digits, n, start, plus, sizes, whole=whole and i == 0)
            if kind is not None:
                found = (j, kind, plus)
                break
        if found is None:
            i += 1
            continue
        j, kind, plus = found
        start, end = groups[i][0], groups[j][1]
        if kind == "phone":
            if plus or (start > 0 and n[start - 1] == "("):
                start -= 1
            ext = _EXTENSION.match(n, end)
            if ext is not None:
                end = ext.end()
        out.append((start, end, kind))
        i = j + 1
        while i < k and groups[i][0] < end:  # groups swallowed by an extension
            i += 1


def _international(n: str, out: list[tuple[int, int, str]]) -> None:
    """Add phones written with a country code: +86-10-6521 7734, (+86) 139 1234 5678, 0086 21 5888 1234."""
    for m in _COUNTRY.finditer(n):
        code = next(g for g in m.groups() if g is not None)
        bare = m.group(4) is not None
        pos = m.end()
        zero = _ZERO.match(n, pos)  # +86 (0)21 …: the trunk zero in brackets
        if zero is not None:
            pos = zero.end()
        digits = ""
        best = None
        sizes: list[int] = []
        while True:
            part = _PHONE_PART.match(n, pos)
            if part is None or len(digits) + len(part.group(1)) > 12:
                break
            digits += part.group(1)
            sizes.append(len(part.group(1)))
            pos = part.end()
            if _country_number(code, digits, sizes, bare=bare):
                best = pos
        if best is None or (pos < len(n) and n[pos].isdigit() and best == pos):
            continue
        end = best
        ext = _EXTENSION.match(n, end)
        if ext is not None:
            end = ext.end()
        out.append((m.start(), end, "phone"))


def _country_number(code: str, digits: str, sizes: list[int], *, bare: bool) -> bool:
    """Return whether `digits` after country `code` read as a phone number of that country."""
    if code == "86":
        national = digits[1:] if digits[:1] == "0" else digits
        if len(national) == 11 and _is_mobile(national):
            return not bare or len(sizes) == 1 or sizes[0] == 3
        # An area code of 2–3 digits (10, 21, 755) and a local number of 7–8 digits.
        landline = national[:1] in "23456789" or national[:2] == "10"  # 10 is Beijing
        return landline and 9 <= len(national) <= 11 and (not bare or 2 <= sizes[0] <= 4)
    if bare:
        return False
    return 7 <= len(digits) <= 12 and (len(sizes) > 1 or len(digits) >= 8)


def find_numbers(n: str) -> list[tuple[int, int, str]]:
    """Return (start, end, type) of phones, ID numbers, bank cards and e-mails in normalised text."""
    out: list[tuple[int, int, str]] = []
    if "@" in n:
        for m in _EMAIL.finditer(n):
            out.append((m.start(), m.end(), "email"))
    if "*" in n:
        for m in _STARRED.finditer(n):
            size = m.end() - m.start()
            kind = (
                "phone"
                if size == 11
                else "id_card"
                if size in (15, 18)
                else "bank_card"
                if size >= 16
                else None
            )
            if kind is not None:
                out.append((m.start(), m.end(), kind))
    if "+" in n or "86" in n:
        _international(n, out)
    for m in _CN_RUN.finditer(n):
        digits = m.group().translate(_CN_DIGITS)
        kind = _classify(digits, n, m.start(), False)
        if kind is not None:
            out.append((m.start(), m.end(), kind))
    for m in _CHUNK.finditer(n):
        if m.end() - m.start() >= 7:
            _scan_chunk(n, m.start(), m.end(), out)
    return out
