"""Read note files (CSV, XLSX, JSONL) into rows for batch ingest; pure I/O, no database."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from service.errors import ValidationFailed

COLUMNS = ("text", "source", "occurred_on", "subject_ref")


class UnreadableFile(ValidationFailed):
    code = "unreadable_file"


@dataclass(frozen=True)
class FileRow:
    """One record of the file: its row (or line) number, and the fields or why it cannot be read."""

    number: int
    fields: dict[str, Any] | None
    problem: str | None = None


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value


def _pick(record: dict[str, Any]) -> dict[str, Any]:
    fields = {key: _clean(record.get(key)) for key in COLUMNS if key in record}
    if fields.get("subject_ref") in ("", None):
        fields.pop("subject_ref", None)
    return fields


def _read_csv(path: Path) -> Iterator[FileRow]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            _check_header(reader.fieldnames or [])
            for record in reader:
                yield FileRow(reader.line_num, _pick({k.strip(): v for k, v in record.items() if k}))
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{path.name}: not UTF-8 (byte {exc.start}); save the CSV as UTF-8") from None


def _read_xlsx(path: Path) -> Iterator[FileRow]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise UnreadableFile(f"{path.name}: not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        rows = workbook.active.iter_rows(values_only=True)
        header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
        _check_header(header)
        for number, values in enumerate(rows, start=2):
            if all(value is None or value == "" for value in values):
                continue
            yield FileRow(number, _pick(dict(zip(header, values, strict=False))))
    finally:
        workbook.close()


def _read_jsonl(path: Path) -> Iterator[FileRow]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield FileRow(number, None, f"not valid JSON ({exc.msg}, column {exc.colno})")
                    continue
                if not isinstance(record, dict):
                    yield FileRow(number, None, "not a JSON object")
                    continue
                yield FileRow(number, _pick(record))
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{path.name}: not UTF-8 (byte {exc.start})") from None


def _check_header(header: list[str]) -> None:
    names = [name.strip() for name in header if name]
    missing = [column for column in ("text", "source", "occurred_on") if column not in names]
    if missing:
        raise UnreadableFile(f"missing column(s): {', '.join(missing)} (expected {', '.join(COLUMNS)})")


def read_rows(path: Path) -> list[FileRow]:
    """Read every record of a CSV, XLSX or JSONL file of notes."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    if suffix == ".csv":
        return list(_read_csv(path))
    if suffix in (".xlsx", ".xlsm"):
        return list(_read_xlsx(path))
    if suffix in (".jsonl", ".ndjson"):
        return list(_read_jsonl(path))
    raise UnreadableFile(
        f"{path.name}: unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .jsonl"
    )
