"""The command line: db upgrade, units/branches/users, demo, notes import."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from service.accounts import service as accounts
from service.cli.main import main
from service.config import get_settings
from service.db import make_engine
from service.notes.models import Note
from tests.service.helpers import RAW_PHONE, RAW_TEXT


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "cli.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("XINSHENG_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def count_notes(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        n = session.exec(select(func.count()).select_from(Note)).one()
    engine.dispose()
    return n


def test_db_upgrade_works_from_any_directory(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "x.db"
    env = {**os.environ, "XINSHENG_DATABASE_URL": f"sqlite:///{db}"}
    result = subprocess.run(
        [sys.executable, "-m", "service.cli.main", "db", "upgrade"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_accounts_commands_and_token_on_last_line(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units", "add", "U1", "一公司"]) == 0
    assert main(["units", "add", "U2", "子公司", "--parent", "U1"]) == 0
    assert main(["branches", "add", "B1", "一支部", "--unit", "U2"]) == 0
    capsys.readouterr()
    assert main(["users", "add", "书记甲", "--role", "secretary", "--branch", "B1"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("xs_") and " " not in token
    engine = make_engine(db_url)
    with Session(engine) as session:
        user = accounts.authenticate(session=session, token=token)
        assert user is not None and user.name == "书记甲"
    engine.dispose()


def test_user_errors_exit_nonzero_with_one_line(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "add", "x", "--role", "secretary"]) == 2
    assert main(["branches", "add", "B9", "x", "--unit", "NOPE"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "NOPE" in err


def test_revoke_and_reissue_tokens(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["users", "add", "a", "--role", "admin"])
    old = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["users", "revoke", "a"]) == 0
    assert main(["users", "token", "a"]) == 0
    new = capsys.readouterr().out.strip().splitlines()[-1]
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert accounts.authenticate(session=session, token=old) is None
        assert accounts.authenticate(session=session, token=new) is not None
    engine.dispose()


def test_demo_prints_tokens_only_when_creating(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    assert first.count("xs_") == 4
    assert main(["demo"]) == 0
    assert "xs_" not in capsys.readouterr().out


@pytest.fixture
def importable(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    main(["demo"])
    capsys.readouterr()
    return db_url


def _rows() -> list[dict[str, object]]:
    return [
        {"text": RAW_TEXT, "source": "talk", "occurred_on": "2026-11-01", "subject_ref": "E1"},
        {"text": "   ", "source": "talk", "occurred_on": "2026-11-02", "subject_ref": ""},
        {"text": "食堂饭菜太贵了", "source": "survey", "occurred_on": "2026-11-03", "subject_ref": ""},
        {"text": "宿舍没有热水", "source": "mail", "occurred_on": "2026-11-04", "subject_ref": ""},
    ]


def _check_report(out: str, url: str) -> None:
    assert "2 note(s) stored, 2 row(s) refused" in out
    assert "text 不能为空" in out and "source" in out
    assert RAW_PHONE not in out
    assert count_notes(url) == 2


def test_import_csv(importable: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv

    path = tmp_path / "notes.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "source", "occurred_on", "subject_ref"])
        writer.writeheader()
        writer.writerows(_rows())
    assert main(["notes", "import", str(path), "--branch", "B-OPS-1"]) == 1
    captured = capsys.readouterr()
    _check_report(captured.out, importable)
    assert "row 3:" in captured.out and "row 5:" in captured.out  # CSV line numbers, header is row 1
    assert "importing" in captured.err  # the progress bar


def test_import_jsonl(importable: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.jsonl"
    lines = [json.dumps(row, ensure_ascii=False) for row in _rows()] + ["{oops", "[1]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["notes", "import", str(path), "--branch", "B-OPS-1"]) == 1
    out = capsys.readouterr().out
    assert "2 note(s) stored, 4 row(s) refused" in out
    assert "row 5: not valid JSON" in out and "row 6: not a JSON object" in out


def test_import_xlsx(importable: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["text", "source", "occurred_on", "subject_ref"])
    for row in _rows():
        sheet.append(
            [
                row["text"],
                row["source"],
                date.fromisoformat(str(row["occurred_on"])),
                row["subject_ref"] or None,
            ]
        )
    path = tmp_path / "notes.xlsx"
    workbook.save(path)
    assert main(["notes", "import", str(path), "--branch", "B-OPS-1"]) == 1
    _check_report(capsys.readouterr().out, importable)


def test_import_all_good_exits_zero(
    importable: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps(_rows()[2], ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["notes", "import", str(path), "--branch", "B-OPS-1"]) == 0


def test_import_refuses_missing_columns_and_unknown_branch(
    importable: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("body,source\nx,talk\n", encoding="utf-8")
    assert main(["notes", "import", str(path), "--branch", "B-OPS-1"]) == 2
    good = tmp_path / "ok.jsonl"
    good.write_text(json.dumps(_rows()[2], ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["notes", "import", str(good), "--branch", "NOPE"]) == 2
    err = capsys.readouterr().err
    assert "missing column" in err and "NOPE" in err


def test_serve_refuses_the_default_secret_outside_development(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XINSHENG_ENV", "production")
    get_settings.cache_clear()
    try:
        assert main(["serve", "--port", "1"]) == 2
    finally:
        get_settings.cache_clear()
    assert "XINSHENG_SECRET_KEY" in capsys.readouterr().err
