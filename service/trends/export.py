"""CSV and XLSX exports of a trend answer: the same (already suppressed) figures, Chinese headers."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.responses import Response

from service.trends.models import CellPublic, TrendsPublic

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUPPRESSED = "已抑制"
_GROUP_TYPES = {"org": "全组织", "unit": "单位", "branch": "支部", "source": "来源"}
_SOURCES = {None: "全部", "talk": "谈心谈话", "survey": "问卷调查"}
_SENTIMENT = {"positive": "积极", "neutral": "中性", "negative": "消极"}
_RISK = {"none": "无风险", "watch": "关注", "urgent": "紧急"}


def _v(cell: CellPublic, share: bool = False) -> Any:
    if cell.suppressed:
        return SUPPRESSED
    return cell.share if share else cell.count


def table(answer: TrendsPublic) -> list[list[Any]]:
    """Return the answer as rows, the first being the Chinese header."""
    concerns = answer.buckets[0].groups[0].concerns if answer.buckets and answer.buckets[0].groups else []
    header = ["周期", "开始日期", "结束日期", "分组类型", "代码", "名称", "来源", "记录数", "情绪指数"]
    header += [f"情绪-{name}" for name in _SENTIMENT.values()] + [f"风险-{name}" for name in _RISK.values()]
    for concern in concerns:
        header += [f"{concern.name}-人次", f"{concern.name}-占比"]
    rows: list[list[Any]] = [header]
    for bucket in answer.buckets:
        for g in bucket.groups:
            row: list[Any] = [
                bucket.period,
                bucket.start.isoformat(),
                bucket.end.isoformat(),
                _GROUP_TYPES.get(g.type, g.type),
                g.code or "",
                g.name,
                _SOURCES.get(g.source, g.source),
                _v(g.notes),
                SUPPRESSED if g.sentiment_index is None and g.notes.count else g.sentiment_index,
            ]
            row += [_v(g.sentiment[c]) for c in _SENTIMENT] + [_v(g.risk[c]) for c in _RISK]
            for c in g.concerns:
                row += [_v(c), _v(c, share=True)]
            rows.append(row)
    return rows


def to_csv(answer: TrendsPublic) -> bytes:
    """Render as UTF-8 CSV with a BOM, so that Excel opens the Chinese headers correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table(answer))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(answer: TrendsPublic) -> bytes:
    """Render as an XLSX workbook with one sheet."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("趋势")
    for row in table(answer):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def response(answer: TrendsPublic, fmt: str) -> Response:
    """Return the export as a download."""
    name = f"xinsheng-trends-{answer.interval}-{answer.range['from']}-{answer.range['to']}"
    if fmt == "csv":
        return Response(
            to_csv(answer),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        to_xlsx(answer),
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )
