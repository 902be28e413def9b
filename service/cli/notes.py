"""`xinsheng notes import FILE --branch CODE`: bulk-ingest a CSV, XLSX or JSONL file of notes."""

from __future__ import annotations

import argparse
import re
import sys

from service.cli.common import cli_session, handles_errors

CHUNK = 500


def register(sub: argparse._SubParsersAction) -> None:
    notes = sub.add_parser("notes", help="notes").add_subparsers(dest="notes_command", required=True)
    imp = notes.add_parser(
        "import",
        help="import notes from CSV, XLSX or JSONL (columns text, source, occurred_on, subject_ref)",
    )
    imp.add_argument("file")
    imp.add_argument("--branch", required=True, help="branch code the notes belong to")
    imp.add_argument("--user", help="name of the submitting user (default: the first admin)")
    imp.set_defaults(handler=import_notes)


@handles_errors
def import_notes(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sqlmodel import select
    from tqdm import tqdm

    from service.accounts import service as accounts
    from service.accounts.models import User
    from service.app import load_tagger
    from service.config import get_settings
    from service.errors import NotFound
    from service.ingest import service as ingest
    from service.logs import configure_logging
    from service.notes.importing import read_rows

    settings = get_settings()
    configure_logging("WARNING")
    rows = read_rows(Path(args.file))
    refused: list[tuple[int, str]] = [(row.number, row.problem) for row in rows if row.problem]
    readable = [row for row in rows if row.fields is not None]
    stored = 0
    with cli_session() as session:
        accounts.get_branch_by_code(session=session, code=args.branch)
        if args.user:
            actor = accounts.get_user_by_name(session=session, name=args.user)
        else:
            actor = session.exec(select(User).where(User.role == "admin", User.is_active)).first()  # type: ignore[arg-type]
            if actor is None:
                raise NotFound("no admin user to import as; create one or pass --user NAME")
        tagger = load_tagger(settings)
        with tqdm(total=len(readable), unit="note", file=sys.stderr, desc="importing") as bar:
            for start in range(0, len(readable), CHUNK):
                chunk = readable[start : start + CHUNK]
                items = [{**(row.fields or {}), "branch": args.branch} for row in chunk]
                outcome = ingest.ingest_batch(
                    session=session, items=items, actor=actor, settings=settings, tagger=tagger
                )
                for row, item in zip(chunk, outcome.items, strict=True):
                    if item.status == "stored":
                        stored += 1
                    else:
                        refused.append(
                            (row.number, re.sub(r"notes\.\d+\.", "", item.detail or item.error or ""))
                        )
                bar.update(len(chunk))
    refused.sort()
    print(f"{stored} note(s) stored, {len(refused)} row(s) refused from {Path(args.file).name}")
    for number, reason in refused:
        print(f"  row {number}: {reason}")
    return 1 if refused else 0
