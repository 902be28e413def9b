"""Use cases of the accounts domain: units, branches, users, tokens, and the demo organisation."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlmodel import Session, select

from service.accounts.errors import AccountExists, BranchNotFound, InvalidAccount, UnitNotFound, UserNotFound
from service.accounts.models import ROLE_CODES, ApiToken, Branch, Role, Unit, User
from service.accounts.security import hash_password, hash_token, new_token
from service.db import utcnow
from service.errors import shown
from service.logs import log_event

log = logging.getLogger("xinsheng.accounts")


def get_unit_by_code(*, session: Session, code: str) -> Unit:
    """Return the unit with this code or raise UnitNotFound."""
    unit = session.exec(select(Unit).where(Unit.code == code)).first()
    if unit is None:
        raise UnitNotFound(f"unit {code!r} not found (单位不存在)")
    return unit


def get_branch_by_code(*, session: Session, code: str) -> Branch:
    """Return the branch with this code or raise BranchNotFound."""
    branch = session.exec(select(Branch).where(Branch.code == code)).first()
    if branch is None:
        raise BranchNotFound(f"branch {shown(code, 64)} not found (支部不存在)")
    return branch


def get_branch(*, session: Session, branch_id: uuid.UUID) -> Branch:
    """Return the branch with this id or raise BranchNotFound."""
    branch = session.get(Branch, branch_id)
    if branch is None:
        raise BranchNotFound("branch not found (支部不存在)")
    return branch


def branch_codes(*, session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Map branch ids to their codes."""
    if not ids:
        return {}
    rows = session.exec(select(Branch.id, Branch.code).where(Branch.id.in_(ids))).all()  # type: ignore[attr-defined]
    return {row[0]: row[1] for row in rows}


def create_unit(*, session: Session, code: str, name: str, parent_code: str | None = None) -> Unit:
    """Create a unit, optionally under a parent unit, and commit."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise InvalidAccount("unit code and name must not be empty")
    if session.exec(select(Unit).where(Unit.code == code)).first() is not None:
        raise AccountExists(f"unit {code!r} already exists")
    parent = get_unit_by_code(session=session, code=parent_code) if parent_code else None
    unit = Unit(code=code, name=name, parent_id=parent.id if parent else None)
    session.add(unit)
    session.commit()
    log_event(log, "accounts.unit_created", unit_id=str(unit.id))
    return unit


def create_branch(*, session: Session, code: str, name: str, unit_code: str) -> Branch:
    """Create a branch in a unit and commit."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise InvalidAccount("branch code and name must not be empty")
    if session.exec(select(Branch).where(Branch.code == code)).first() is not None:
        raise AccountExists(f"branch {code!r} already exists")
    unit = get_unit_by_code(session=session, code=unit_code)
    branch = Branch(code=code, name=name, unit_id=unit.id)
    session.add(branch)
    session.commit()
    log_event(log, "accounts.branch_created", branch_id=str(branch.id))
    return branch


def _issue_token(*, session: Session, user: User) -> str:
    token = new_token()
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:8]))
    return token


@dataclass(frozen=True)
class NewUser:
    user: User
    token: str  # shown once, never stored


def create_user(
    *,
    session: Session,
    name: str,
    role: str,
    branch_code: str | None = None,
    password: str | None = None,
) -> NewUser:
    """Create a user with a first API token and commit; the token is returned once."""
    name = name.strip()
    if not name:
        raise InvalidAccount("user name must not be empty")
    if role not in ROLE_CODES:
        raise InvalidAccount(f"role must be one of {', '.join(ROLE_CODES)}")
    if role == Role.secretary and not branch_code:
        raise InvalidAccount("a secretary needs --branch (书记必须属于一个支部)")
    if session.exec(select(User).where(User.name == name)).first() is not None:
        raise AccountExists(f"user {name!r} already exists")
    branch = get_branch_by_code(session=session, code=branch_code) if branch_code else None
    user = User(
        name=name,
        role=role,
        branch_id=branch.id if branch else None,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    token = _issue_token(session=session, user=user)
    session.commit()
    log_event(log, "accounts.user_created", user_id=str(user.id), role=role)
    return NewUser(user=user, token=token)


def get_user_by_name(*, session: Session, name: str) -> User:
    """Return the user with this name or raise UserNotFound."""
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise UserNotFound(f"user {name!r} not found")
    return user


def issue_token(*, session: Session, name: str) -> str:
    """Issue one more API token for a user and commit; returned once."""
    user = get_user_by_name(session=session, name=name)
    token = _issue_token(session=session, user=user)
    session.commit()
    log_event(log, "accounts.token_issued", user_id=str(user.id))
    return token


def revoke_tokens(*, session: Session, name: str) -> int:
    """Revoke every live token of a user and commit; return how many were revoked."""
    user = get_user_by_name(session=session, name=name)
    tokens = session.exec(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
    ).all()
    now = utcnow()
    for token in tokens:
        token.revoked_at = now
        session.add(token)
    session.commit()
    log_event(log, "accounts.tokens_revoked", user_id=str(user.id), count=len(tokens))
    return len(tokens)


def revoke_token(*, session: Session, token: str) -> bool:
    """Revoke one token given in clear and commit; return whether it was live."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    session.add(row)
    session.commit()
    return True


def authenticate(*, session: Session, token: str) -> User | None:
    """Return the active user owning a live token, or None."""
    if not token.startswith("xs_") or len(token) > 200:
        return None
    row = session.exec(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)  # type: ignore[arg-type]
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
    ).first()
    if row is None or not row.is_active:
        return None
    return row


# The demo organisation: two units (one under the other), four branches, one user per role.
DEMO_UNITS = [("U-GRID", "供电公司", None), ("U-GRID-OPS", "运维检修部", "U-GRID")]
DEMO_BRANCHES = [
    ("B-OPS-1", "变电运维一班党支部", "U-GRID-OPS"),
    ("B-OPS-2", "输电运检党支部", "U-GRID-OPS"),
    ("B-MKT", "营销服务党支部", "U-GRID"),
    ("B-ADM", "机关第一党支部", "U-GRID"),
]
DEMO_USERS = [
    ("demo-secretary", Role.secretary.value, "B-OPS-1"),
    ("demo-hr", Role.hr.value, None),
    ("demo-discipline", Role.discipline.value, None),
    ("demo-admin", Role.admin.value, None),
]


def seed_demo(*, session: Session) -> list[NewUser]:
    """Create whatever of the demo organisation is missing; return users created (with tokens)."""
    for code, name, parent in DEMO_UNITS:
        if session.exec(select(Unit).where(Unit.code == code)).first() is None:
            create_unit(session=session, code=code, name=name, parent_code=parent)
    for code, name, unit in DEMO_BRANCHES:
        if session.exec(select(Branch).where(Branch.code == code)).first() is None:
            create_branch(session=session, code=code, name=name, unit_code=unit)
    created = []
    for name, role, branch in DEMO_USERS:
        if session.exec(select(User).where(User.name == name)).first() is None:
            created.append(create_user(session=session, name=name, role=role, branch_code=branch))
    return created
