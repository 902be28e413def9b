"""Render a weekly digest as Markdown (also used for WeCom) or as HTML for e-mail with an inline SVG chart.

The SVG carries its Chinese labels as text, so it needs no font installed on the server: the mail reader
draws them with its own fonts.
"""

from __future__ import annotations

from html import escape
from typing import Any

HIDDEN = "—"  # suppressed (small group)
RISK_NAMES = {"none": "无", "watch": "关注", "urgent": "紧急"}


def _n(value: Any) -> str:
    return HIDDEN if value is None else str(value)


def _pct(value: Any, signed: bool = False) -> str:
    if value is None:
        return HIDDEN
    return f"{value * 100:+.1f}%" if signed else f"{value * 100:.1f}%"


def _lines(d: dict[str, Any]) -> list[str]:
    h, t = d["headline"], d["tickets"]
    out = [
        f"# 心声周报 {d['week']} · {d['scope']['name']}",
        "",
        f"- 本周记录 **{_n(h['notes'])}** 条（前 {len(d['notes_line']) - 1} 周平均 {_n(h['previous_weeks_mean'])}，变化 {_pct(h['change'], True)}）",
        f"- 情绪指数 {_n(h['sentiment_index'])}；风险："
        + "，".join(f"{RISK_NAMES.get(k, k)} {_n(v)}" for k, v in d["risk"].items()),
        f"- 工单：新开 {_n(t['opened'])}，办结 {_n(t['resolved'])}，逾期 {_n(t['overdue'])}；"
        f"首次响应中位 {_n(t['median_hours_to_first_response'])} 小时，办结中位 {_n(t['median_hours_to_resolve'])} 小时",
        "",
        "## 主要关注",
    ]
    for c in d["top_concerns"]:
        out.append(
            f"- {c['name']}：{_n(c['count'])} 人次，占 {_pct(c['share'])}（前期 {_pct(c['previous_share'])}）"
        )
    if not d["top_concerns"]:
        out.append("- 本周无可显示的关注类别")
    out += ["", "## 新出现的关注"]
    for e in d["emerging"]:
        out.append(
            f"- {e['unit_name']} · {e['concern_name']}：本周 {_pct(e['share'])}，前 8 周 {_pct(e['baseline_share'])}"
            f"（p={'—' if e['p_value'] is None else format(e['p_value'], '.2g')}）"
        )
    if not d["emerging"]:
        out.append("- 无")
    out += [
        "",
        "## 情绪走势",
        "",
        "| 周 | " + " | ".join(p["week"] for p in d["sentiment_line"]) + " |",
        "|---|" + "---|" * len(d["sentiment_line"]),
        "| 情绪指数 | " + " | ".join(_n(p["index"]) for p in d["sentiment_line"]) + " |",
        "| 记录数 | " + " | ".join(_n(p["notes"]) for p in d["notes_line"]) + " |",
    ]
    heat = d["heat"]
    if heat["concerns"]:
        out += [
            "",
            "## 单位 × 关注（— 表示样本过小已隐藏）",
            "",
            "| 单位 | " + " | ".join(c["name"] for c in heat["concerns"]) + " |",
            "|---|" + "---|" * len(heat["concerns"]),
        ]
        out += [
            "| " + row["name"] + " | " + " | ".join(_n(v) for v in row["cells"]) + " |"
            for row in heat["rows"]
        ]
    if d["excerpts"]:
        names = {c["code"]: c["name"] for c in d["top_concerns"]}
        out += ["", "## 摘录（已脱敏）"]
        for code, texts in d["excerpts"].items():
            out += [f"- {names.get(code, code)}：" + "；".join(f"“{t}”" for t in texts)]
    return out


def to_markdown(digest: dict[str, Any]) -> str:
    """Render the digest as Markdown."""
    return "\n".join(_lines(digest)) + "\n"


def svg_chart(digest: dict[str, Any]) -> str:
    """An inline SVG bar chart of notes per week with Chinese labels (hidden weeks drawn as dashed)."""
    points = digest["notes_line"]
    width, height, pad = 480, 200, 40
    top = max([p["notes"] or 0 for p in points] + [1])
    bar = (width - 2 * pad) / max(len(points), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="每周记录数">',
        f'<text x="{pad}" y="20" font-size="14">每周记录数</text>',
    ]
    for i, p in enumerate(points):
        x = pad + i * bar + 4
        if p["notes"] is None:
            parts.append(
                f'<rect x="{x:.0f}" y="{height - pad - 20}" width="{bar - 8:.0f}" height="20" fill="none" stroke="#999" stroke-dasharray="4"/>'
            )
            label = "隐藏"
        else:
            h = (height - 2 * pad - 20) * p["notes"] / top
            parts.append(
                f'<rect x="{x:.0f}" y="{height - pad - h:.0f}" width="{bar - 8:.0f}" height="{h:.0f}" fill="#c0392b"/>'
            )
            label = str(p["notes"])
        parts.append(
            f'<text x="{x:.0f}" y="{height - pad - 4 - (0 if p["notes"] is None else (height - 2 * pad - 20) * p["notes"] / top):.0f}" font-size="11">{label}</text>'
        )
        parts.append(
            f'<text x="{x:.0f}" y="{height - pad + 16}" font-size="11">{escape(p["week"][5:])}周</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def to_html(digest: dict[str, Any]) -> str:
    """Render the digest as a self-contained HTML e-mail with the chart inline."""
    body = []
    in_list = False
    for line in _lines(digest):
        text = escape(line).replace("**", "")
        if line.startswith("- ") and not in_list:
            body.append("<ul>")
            in_list = True
        if not line.startswith("- ") and in_list:
            body.append("</ul>")
            in_list = False
        if line.startswith("# "):
            body.append(f"<h1>{text[2:]}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{text[3:]}</h2>")
            if line == "## 情绪走势":
                body.append(svg_chart(digest))
        elif line.startswith("- "):
            body.append(f"<li>{text[2:]}</li>")
        elif line.startswith("|---"):
            continue
        elif line.startswith("| "):
            cells = "".join(f"<td>{c.strip()}</td>" for c in text.strip("|").split("|"))
            body.append(f'<table border="1" cellpadding="4"><tr>{cells}</tr></table>')
        elif line:
            body.append(f"<p>{text}</p>")
    if in_list:
        body.append("</ul>")
    title = escape(f"心声周报 {digest['week']}")
    return f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head><body>{"".join(body)}</body></html>'
