"""`xinsheng nlp ...`: file formats in and out, and clear errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlp import CONCERNS
from service.cli.main import main


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_predict_writes_one_line_per_note_in_order(small_model_dir: Path, tmp_path: Path) -> None:
    inp = _write(tmp_path / "in.jsonl", [
        {"id": "a", "text": "工资三个月没发了", "source": "survey"},
        {"id": "b", "text": "宿舍空调坏了"},
        {"id": 3, "text": "无"},
    ])
    out = tmp_path / "out.jsonl"
    assert main(["nlp", "predict", "--input", str(inp), "--output", str(out), "--model-dir", str(small_model_dir)]) == 0
    rows = _read(out)
    assert [r["id"] for r in rows] == ["a", "b", 3]
    for r in rows:
        assert set(r) == {"id", "concerns", "concern_scores", "sentiment", "risk", "evidence"}
        assert set(r["concern_scores"]) == set(CONCERNS)
        assert all(isinstance(w, str) for words in r["evidence"].values() for w in words)


@pytest.mark.parametrize(
    ("line", "message"),
    [("not json", "in.jsonl:2: not a JSON object"), ('{"text": "x"}', "missing field 'id'"),
     ('{"id": 1, "text": 5}', "'text' must be a string"), ("[1, 2]", "not a JSON object")],
)
def test_predict_rejects_bad_lines_with_file_and_line(
    small_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"id": "ok", "text": "好"}\n' + line + "\n", encoding="utf-8")
    code = main(["nlp", "predict", "--input", str(inp), "--output", str(tmp_path / "o"), "--model-dir", str(small_model_dir)])
    assert code == 2
    assert message in capsys.readouterr().err


def test_predict_without_a_model_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inp = _write(tmp_path / "in.jsonl", [{"id": "a", "text": "x"}])
    code = main(["nlp", "predict", "--input", str(inp), "--output", str(tmp_path / "o"), "--model-dir", str(tmp_path)])
    assert code == 2
    assert "xinsheng nlp train" in capsys.readouterr().err


def test_scrub_output_has_spans_into_the_input(tmp_path: Path) -> None:
    text = "王建国的电话是13812345678，邮箱wang@example.com"
    inp = _write(tmp_path / "in.jsonl", [{"id": "p1", "text": text}])
    out = tmp_path / "out.jsonl"
    assert main(["nlp", "scrub", "--input", str(inp), "--output", str(out)]) == 0
    (row,) = _read(out)
    assert row["id"] == "p1"
    assert "13812345678" not in row["text"] and "wang@example.com" not in row["text"]
    assert "〔电话〕" in row["text"] and "〔邮箱〕" in row["text"]
    types = {p["type"] for p in row["pii"]}
    assert {"phone", "email"} <= types
    for p in row["pii"]:
        assert set(p) == {"start", "end", "type"}
        assert 0 <= p["start"] < p["end"] <= len(text)
    phone = next(p for p in row["pii"] if p["type"] == "phone")
    assert text[phone["start"] : phone["end"]] == "13812345678"


def test_eval_prints_every_metric(small_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write(tmp_path / "gold.jsonl", [
        {"id": "1", "text": "工资太低了", "concerns": ["pay"], "sentiment": "negative", "risk": "none"},
        {"id": "2", "text": "不想活了", "concerns": ["health"], "sentiment": "negative", "risk": "urgent"},
        {"id": "3", "text": "挺好的", "concerns": [], "sentiment": "positive", "risk": "none"},
    ])
    assert main(["nlp", "eval", "--data", str(data), "--model-dir", str(small_model_dir)]) == 0
    out = capsys.readouterr().out
    for needle in ("precision", "concern macro-F1", "concern micro-F1", "sentiment macro-F1", "urgent recall",
                   "urgent precision", "watch-or-worse recall", "risk confusion", "pay"):
        assert needle in out
    assert "urgent recall         1.000" in out


def test_eval_refuses_unknown_codes(small_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write(tmp_path / "gold.jsonl", [{"id": "1", "text": "x", "concerns": ["salary"], "sentiment": "negative", "risk": "none"}])
    assert main(["nlp", "eval", "--data", str(data), "--model-dir", str(small_model_dir)]) == 2
    assert "unknown concern code(s) ['salary']" in capsys.readouterr().err


def test_installed_command_runs(small_model_dir: Path, tmp_path: Path) -> None:
    inp = _write(tmp_path / "in.jsonl", [{"id": "a", "text": "班车太早了"}])
    exe = Path(sys.executable).parent / "xinsheng"
    subprocess.run([str(exe), "nlp", "predict", "--input", str(inp), "--output", str(tmp_path / "o.jsonl"),
                    "--model-dir", str(small_model_dir)], check=True)
    assert _read(tmp_path / "o.jsonl")[0]["id"] == "a"


def test_stats_counts_labels_per_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"id": f"n{i}", "text": "工资低", "concerns": ["pay"], "sentiment": "negative", "risk": "none"} for i in range(20)]
    data = _write(tmp_path / "gold.jsonl", rows)
    assert main(["nlp", "stats", "--data", str(data)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["all"]["notes"] == 20
    assert report["all"]["concerns"]["pay"] == 20
    assert report["train"]["notes"] + report["heldout"]["notes"] == 20
