"""The command line: `xinsheng trends rebuild` and `xinsheng digest` (print and --send)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from service.cli.main import main
from service.config import get_settings
from tests.service.trends.receivers import smtp_server


@pytest.fixture
def seeded(
    tmp_path: Path,
    sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    tagger: object,
    capsys: pytest.CaptureFixture[str],
) -> str:
    path = tmp_path / "cli.db"
    shutil.copyfile(sqlite_template, path)
    monkeypatch.setenv("XINSHENG_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    main(["demo"])
    notes = tmp_path / "notes.jsonl"
    notes.write_text(
        "".join(
            json.dumps(
                {
                    "text": f"设备老化存在安全隐患，防护用品不够。（{i}）",
                    "source": "talk",
                    "occurred_on": "2026-11-03",
                },
                ensure_ascii=False,
            )
            + "\n"
            for i in range(12)
        ),
        encoding="utf-8",
    )
    assert main(["notes", "import", str(notes), "--branch", "B-OPS-1"]) == 0
    capsys.readouterr()
    yield str(path)
    get_settings.cache_clear()


def test_trends_rebuild_counts_every_note(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trends", "rebuild"]) == 0
    assert "rollups rebuilt from 12 note(s)" in capsys.readouterr().out


def test_digest_prints_markdown_and_json(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--week", "2026-W45"]) == 0
    assert capsys.readouterr().out.startswith("# 心声周报 2026-W45 · 全组织")
    assert main(["digest", "--week", "2026-W45", "--unit", "U-GRID-OPS", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["headline"]["notes"] == 12
    assert main(["digest", "--week", "2026-47"]) == 2


def test_digest_send_delivers_once(
    seeded: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server() as smtp:
        monkeypatch.setenv("XINSHENG_DIGEST_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("XINSHENG_DIGEST_SMTP_PORT", str(smtp.server_address[1]))
        monkeypatch.setenv("XINSHENG_DIGEST_EMAIL_TO", '["hr@example.com"]')
        assert main(["digest", "--week", "2026-W45", "--send"]) == 0
        assert main(["digest", "--week", "2026-W45", "--send"]) == 0
        assert len(smtp.messages) == 1
    out = capsys.readouterr().out
    assert "1 sent" in out and "0 sent" in out
