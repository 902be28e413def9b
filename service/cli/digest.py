"""`xinsheng digest --week 2026-W47 [--unit CODE] [--format json|md|html] [--send]`."""

from __future__ import annotations

import argparse

from service.cli.common import cli_session, handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("digest", help="print the weekly digest, or send it (e-mail, WeCom) with --send")
    parser.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: last week)")
    parser.add_argument("--unit", help="unit code (default: the whole organisation)")
    parser.add_argument("--format", choices=["json", "md", "html"], default="md")
    parser.add_argument(
        "--send",
        action="store_true",
        help="deliver to the recipients in XINSHENG_DIGEST_* (each once, however often run)",
    )
    parser.add_argument("--user", help="user the digest is read as (audited; default: the first admin)")
    parser.set_defaults(handler=digest)


@handles_errors
def digest(args: argparse.Namespace) -> int:
    import json
    from datetime import date, timedelta

    from sqlmodel import select

    from service.accounts import service as accounts
    from service.accounts.models import User
    from service.config import get_settings
    from service.digests import delivery, render
    from service.digests import service as digests
    from service.errors import NotFound
    from service.trends.periods import week_label, week_start

    settings = get_settings()
    week = args.week or week_label(week_start(date.today()) - timedelta(weeks=1))
    with cli_session() as session:
        if args.user:
            actor = accounts.get_user_by_name(session=session, name=args.user)
        else:
            actor = session.exec(select(User).where(User.role == "admin", User.is_active)).first()  # type: ignore[arg-type]
            if actor is None:
                raise NotFound("no admin user to read the digest as; create one or pass --user NAME")
        if not args.send:
            built = digests.build_weekly(
                session=session, user=actor, settings=settings, week=week, unit=args.unit
            )
            if args.format == "json":
                print(json.dumps(built, ensure_ascii=False, indent=2, default=str))
            else:
                print(render.to_markdown(built) if args.format == "md" else render.to_html(built))
            return 0
        cfg = delivery.DeliverySettings()
        if args.unit:
            cfg.scopes = [args.unit]

        def render_scope(scope: str) -> dict[str, str]:
            return digests.render_for(session=session, user=actor, settings=settings, week=week, scope=scope)

        report = delivery.deliver(engine=session.get_bind(), week=week, cfg=cfg, render=render_scope)
    print(
        f"digest {week}: {report.sent} sent, {report.failed} failed, {report.skipped} already sent or in progress"
    )
    return 1 if report.failed else 0
