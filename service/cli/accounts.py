"""`xinsheng units add`, `xinsheng branches add`, `xinsheng users add|token|revoke`."""

from __future__ import annotations

import argparse

from service.cli.common import cli_session, handles_errors

ROLES = ("secretary", "hr", "discipline", "admin")


def register(sub: argparse._SubParsersAction) -> None:
    units = sub.add_parser("units", help="units (二级单位)").add_subparsers(
        dest="units_command", required=True
    )
    add_unit = units.add_parser("add", help="add a unit")
    add_unit.add_argument("code")
    add_unit.add_argument("name")
    add_unit.add_argument("--parent", help="code of the parent unit")
    add_unit.set_defaults(handler=units_add)

    branches = sub.add_parser("branches", help="Party branches (党支部)").add_subparsers(
        dest="branches_command", required=True
    )
    add_branch = branches.add_parser("add", help="add a branch to a unit")
    add_branch.add_argument("code")
    add_branch.add_argument("name")
    add_branch.add_argument("--unit", required=True, help="code of the unit")
    add_branch.set_defaults(handler=branches_add)

    users = sub.add_parser("users", help="users and API tokens").add_subparsers(
        dest="users_command", required=True
    )
    add_user = users.add_parser("add", help="add a user; prints the new API token alone on the last line")
    add_user.add_argument("name")
    add_user.add_argument("--role", required=True, choices=ROLES)
    add_user.add_argument("--branch", help="branch code (required for secretary)")
    add_user.set_defaults(handler=users_add)
    token = users.add_parser("token", help="issue another API token; printed alone on the last line")
    token.add_argument("name")
    token.set_defaults(handler=users_token)
    revoke = users.add_parser("revoke", help="revoke every API token of a user")
    revoke.add_argument("name")
    revoke.set_defaults(handler=users_revoke)


@handles_errors
def units_add(args: argparse.Namespace) -> int:
    from service.accounts import service

    with cli_session() as session:
        unit = service.create_unit(session=session, code=args.code, name=args.name, parent_code=args.parent)
        print(f"unit {unit.code} created ({unit.id})")
    return 0


@handles_errors
def branches_add(args: argparse.Namespace) -> int:
    from service.accounts import service

    with cli_session() as session:
        branch = service.create_branch(session=session, code=args.code, name=args.name, unit_code=args.unit)
        print(f"branch {branch.code} created ({branch.id})")
    return 0


@handles_errors
def users_add(args: argparse.Namespace) -> int:
    from service.accounts import service

    with cli_session() as session:
        new = service.create_user(session=session, name=args.name, role=args.role, branch_code=args.branch)
        print(f"user {new.user.name} created ({new.user.id}, role {new.user.role}); API token, shown once:")
        print(new.token)
    return 0


@handles_errors
def users_token(args: argparse.Namespace) -> int:
    from service.accounts import service

    with cli_session() as session:
        token = service.issue_token(session=session, name=args.name)
        print(f"new API token for {args.name}, shown once:")
        print(token)
    return 0


@handles_errors
def users_revoke(args: argparse.Namespace) -> int:
    from service.accounts import service

    with cli_session() as session:
        count = service.revoke_tokens(session=session, name=args.name)
        print(f"{count} token(s) of {args.name} revoked")
    return 0
