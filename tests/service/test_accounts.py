"""Accounts: token format, hashing and revocation, passwords, users and the demo organisation."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from service.accounts import service as accounts
from service.accounts.errors import AccountExists, BranchNotFound, InvalidAccount, UnitNotFound
from service.accounts.models import ApiToken, Branch, Unit, User
from service.accounts.security import hash_password, new_token, verify_password


@pytest.fixture
def session(sqlite_engine: Engine) -> Session:
    with Session(sqlite_engine, expire_on_commit=False) as session:
        accounts.create_unit(session=session, code="U", name="单位")
        accounts.create_branch(session=session, code="B", name="支部", unit_code="U")
        yield session


def test_tokens_have_prefix_and_at_least_256_random_bits() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert token.startswith("xs_")
        assert len(token) - 3 >= 43  # token_urlsafe: 43 characters carry 256 bits


def test_token_is_stored_only_as_its_sha256(session: Session) -> None:
    new = accounts.create_user(session=session, name="a", role="admin")
    rows = session.exec(select(ApiToken)).all()
    assert len(rows) == 1
    assert rows[0].token_hash == hashlib.sha256(new.token.encode()).hexdigest()
    stored = [str(v) for v in rows[0].model_dump().values()]
    assert new.token not in stored


def test_token_authenticates_its_user(session: Session) -> None:
    new = accounts.create_user(session=session, name="a", role="hr")
    user = accounts.authenticate(session=session, token=new.token)
    assert user is not None and user.id == new.user.id


def test_unknown_or_malformed_token_authenticates_nobody(session: Session) -> None:
    accounts.create_user(session=session, name="a", role="hr")
    assert accounts.authenticate(session=session, token="xs_" + "a" * 43) is None
    assert accounts.authenticate(session=session, token="not-a-token") is None


def test_revoked_token_no_longer_authenticates(session: Session) -> None:
    new = accounts.create_user(session=session, name="a", role="hr")
    assert accounts.revoke_tokens(session=session, name="a") == 1
    assert accounts.authenticate(session=session, token=new.token) is None


def test_a_new_token_works_after_revocation(session: Session) -> None:
    accounts.create_user(session=session, name="a", role="hr")
    accounts.revoke_tokens(session=session, name="a")
    token = accounts.issue_token(session=session, name="a")
    assert accounts.authenticate(session=session, token=token) is not None


def test_revoke_single_token(session: Session) -> None:
    new = accounts.create_user(session=session, name="a", role="hr")
    other = accounts.issue_token(session=session, name="a")
    assert accounts.revoke_token(session=session, token=new.token) is True
    assert accounts.revoke_token(session=session, token=new.token) is False
    assert accounts.authenticate(session=session, token=new.token) is None
    assert accounts.authenticate(session=session, token=other) is not None


def test_inactive_user_is_refused(session: Session) -> None:
    new = accounts.create_user(session=session, name="a", role="hr")
    new.user.is_active = False
    session.add(new.user)
    session.commit()
    assert accounts.authenticate(session=session, token=new.token) is None


def test_passwords_are_hashed_with_argon2id() -> None:
    hashed = hash_password("s3cret-密码")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "s3cret-密码")
    assert not verify_password(hashed, "wrong")
    assert not verify_password("garbage", "s3cret-密码")


def test_secretary_needs_a_branch(session: Session) -> None:
    with pytest.raises(InvalidAccount, match="branch"):
        accounts.create_user(session=session, name="s", role="secretary")


def test_unknown_role_is_refused(session: Session) -> None:
    with pytest.raises(InvalidAccount, match="role"):
        accounts.create_user(session=session, name="s", role="boss")


def test_duplicate_user_and_codes_are_refused(session: Session) -> None:
    accounts.create_user(session=session, name="s", role="secretary", branch_code="B")
    with pytest.raises(AccountExists):
        accounts.create_user(session=session, name="s", role="hr")
    with pytest.raises(AccountExists):
        accounts.create_unit(session=session, code="U", name="again")
    with pytest.raises(AccountExists):
        accounts.create_branch(session=session, code="B", name="again", unit_code="U")


def test_unknown_references_name_the_code(session: Session) -> None:
    with pytest.raises(UnitNotFound, match="NOPE"):
        accounts.create_branch(session=session, code="B9", name="x", unit_code="NOPE")
    with pytest.raises(UnitNotFound, match="NOPE"):
        accounts.create_unit(session=session, code="U9", name="x", parent_code="NOPE")
    with pytest.raises(BranchNotFound, match="NOPE"):
        accounts.create_user(session=session, name="s", role="secretary", branch_code="NOPE")


def test_units_form_a_tree(session: Session) -> None:
    child = accounts.create_unit(session=session, code="U-C", name="子", parent_code="U")
    parent = session.exec(select(Unit).where(Unit.code == "U")).one()
    assert child.parent_id == parent.id


def test_ids_are_uuids(session: Session) -> None:
    new = accounts.create_user(session=session, name="a", role="admin")
    assert new.user.id.version == 4


def test_demo_seed_is_idempotent(session: Session) -> None:
    first = accounts.seed_demo(session=session)
    assert sorted(n.user.role for n in first) == ["admin", "discipline", "hr", "secretary"]
    assert accounts.seed_demo(session=session) == []
    assert session.exec(select(Unit).where(Unit.code.startswith("U-GRID"))).all().__len__() == 2  # type: ignore[attr-defined]
    assert len(session.exec(select(Branch).where(Branch.code.startswith("B-"))).all()) == 4  # type: ignore[attr-defined]
    assert len(session.exec(select(User)).all()) == 4
