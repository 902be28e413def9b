"""`xinsheng nlp ...`: predict, scrub, train and eval over JSONL files."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.cli.paths import PROJECT_ROOT, corpus_dir, model_dir

CHUNK = 2000


class InputError(Exception):
    """A JSONL input line that cannot be used."""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `nlp` command group."""
    nlp = sub.add_parser("nlp", help="tag, scrub, train and evaluate (JSONL in, JSONL out)")
    cmds = nlp.add_subparsers(dest="nlp_command", required=True)

    p = cmds.add_parser("predict", help="tag notes: {id, text, source?} per line in, tags per line out")
    p.add_argument("--input", required=True, type=Path)
    p.add_argument("--output", required=True, type=Path)
    p.add_argument("--model-dir", type=Path, default=None)
    p.set_defaults(handler=cmd_predict)

    s = cmds.add_parser("scrub", help="replace personal data by typed placeholders: {id, text} in, {id, text, pii} out")
    s.add_argument("--input", required=True, type=Path)
    s.add_argument("--output", required=True, type=Path)
    s.set_defaults(handler=cmd_scrub)

    t = cmds.add_parser("train", help="train the default model from data/corpus and write it to models/")
    t.add_argument("--data", nargs="+", type=Path, default=None, help="labelled JSONL files (default data/corpus/*.jsonl)")
    t.add_argument("--out", type=Path, default=None, help="model directory (default models/default)")
    t.set_defaults(handler=cmd_train)

    st = cmds.add_parser("stats", help="count the labels of the corpus, overall and per split")
    st.add_argument("--data", nargs="+", type=Path, default=None, help="labelled JSONL files (default data/corpus/*.jsonl)")
    st.set_defaults(handler=cmd_stats)

    e = cmds.add_parser("eval", help="evaluate the model on labelled JSONL files")
    e.add_argument("--data", nargs="+", required=True, type=Path)
    e.add_argument("--model-dir", type=Path, default=None)
    e.add_argument("--json", action="store_true", help="print the metrics as JSON")
    e.set_defaults(handler=cmd_eval)


def _read_jsonl(path: Path, required: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise InputError(f"{path}:{lineno}: not a JSON object ({exc.args[0]})") from None
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{lineno}: not a JSON object")
            for key in required:
                if key not in obj:
                    raise InputError(f"{path}:{lineno}: missing field {key!r}")
            if not isinstance(obj["text"], str):
                raise InputError(f"{path}:{lineno}: field 'text' must be a string")
            yield obj


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _fail(message: str) -> int:
    print(f"xinsheng: {message}", file=sys.stderr)
    return 2


def cmd_predict(args: argparse.Namespace) -> int:
    from nlp import ModelError, load_tagger

    try:
        tagger = load_tagger(args.model_dir or model_dir())
    except ModelError as exc:
        return _fail(str(exc))
    try:
        with open(args.output, "w", encoding="utf-8") as out:
            for batch in _chunks(_read_jsonl(args.input, ("id", "text")), CHUNK):
                tags = tagger.predict([r["text"] for r in batch], [r.get("source") for r in batch])
                for row, tag in zip(batch, tags, strict=True):
                    out.write(json.dumps({"id": row["id"], **tag.as_dict()}, ensure_ascii=False) + "\n")
    except (InputError, OSError) as exc:
        return _fail(str(exc))
    return 0


def cmd_scrub(args: argparse.Namespace) -> int:
    from nlp import scrub_many

    try:
        with open(args.output, "w", encoding="utf-8") as out:
            for batch in _chunks(_read_jsonl(args.input, ("id", "text")), CHUNK):
                for row, result in zip(batch, scrub_many([r["text"] for r in batch]), strict=True):
                    pii = [{"start": s.start, "end": s.end, "type": s.type} for s in result.spans]
                    line = {"id": row["id"], "text": result.text, "pii": pii}
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
    except (InputError, OSError) as exc:
        return _fail(str(exc))
    return 0


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "nlp", "data"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, check=False).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cmd_train(args: argparse.Namespace) -> int:
    from nlp import CorpusError, train

    paths = args.data or sorted(corpus_dir().glob("*.jsonl"))
    if not paths:
        return _fail(f"no labelled files in {corpus_dir()}")
    out = args.out or model_dir()
    try:
        meta = train(paths, out, git_commit=_git_commit())
    except (CorpusError, OSError) as exc:
        return _fail(str(exc))
    if out.resolve() == (PROJECT_ROOT / "models" / "default").resolve():
        shutil.copyfile(out / "MODEL_CARD.md", PROJECT_ROOT / "models" / "MODEL_CARD.md")
    m = meta["metrics"].get("heldout")
    print(f"model {meta['model_version']} written to {out}")
    if m:
        print(
            f"held-out: concern macro-F1 {m['concern_macro_f1']:.3f}, sentiment macro-F1 {m['sentiment_macro_f1']:.3f}, "
            f"urgent recall {m['urgent_recall'] or 0:.3f}, urgent precision {m['urgent_precision'] or 0:.3f}, "
            f"watch-or-worse recall {m['watch_plus_recall'] or 0:.3f}"
        )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from nlp import CorpusError, load_records, split_records
    from nlp.training import corpus_stats

    try:
        records = load_records(args.data or sorted(corpus_dir().glob("*.jsonl")))
    except (CorpusError, OSError) as exc:
        return _fail(str(exc))
    train_set, heldout = split_records(records)
    report = {"all": corpus_stats(records), "train": corpus_stats(train_set), "heldout": corpus_stats(heldout)}
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from nlp import (
        CorpusError,
        ModelError,
        evaluate,
        format_report,
        load_records,
        load_tagger,
        predict_records,
    )

    try:
        tagger = load_tagger(args.model_dir or model_dir())
        sets = {str(p): load_records([p]) for p in args.data}
    except (ModelError, CorpusError, OSError) as exc:
        return _fail(str(exc))
    report: dict[str, Any] = {}
    pooled_gold: list[dict[str, Any]] = []
    pooled_pred: list[dict[str, Any]] = []
    for name, rows in sets.items():
        preds = predict_records(tagger, rows)
        report[name] = evaluate(rows, preds)
        pooled_gold += rows
        pooled_pred += preds
    if len(sets) > 1:
        report["pooled"] = evaluate(pooled_gold, pooled_pred)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(f"model {tagger.version}")
        print("\n\n".join(format_report(m, title=name) for name, m in report.items()))
    return 0
