"""Typed dependencies shared by every route: settings, session, tagger, caller, role checks."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from service.accounts import service as accounts
from service.accounts.models import Role, User
from service.config import Settings, get_settings
from service.errors import Forbidden, NotAuthenticated
from service.notes import service as notes
from service.notes.models import Note

SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session on the app's engine for one request (use cases commit)."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_tagger(request: Request) -> Any:
    """Return the tagger loaded once at startup."""
    return request.app.state.tagger


TaggerDep = Annotated[Any, Depends(get_tagger)]

_bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer xs_...`")


def get_current_user(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """Return the user owning the Bearer token, or answer 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("missing Bearer token (缺少 API 令牌)")
    user = accounts.authenticate(session=session, token=credentials.credentials)
    session.commit()  # end the read transaction: use cases choose how to begin theirs
    if user is None:
        raise NotAuthenticated("invalid or revoked API token (令牌无效或已撤销)")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: Role | str) -> Callable[[User], User]:
    """Return a dependency that lets through only callers with one of `roles`."""
    allowed = {str(role) for role in roles}

    def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise Forbidden(f"role {user.role} may not do this (需要角色: {', '.join(sorted(allowed))})")
        return user

    return check


NoteUser = Annotated[User, Depends(require_role(Role.secretary, Role.admin))]


def load_visible_note(note_id: uuid.UUID, session: SessionDep, user: NoteUser) -> Note:
    """Load the note in the path, or 404 when it is missing or in another branch than the caller's."""
    return notes.get_visible_note(session=session, note_id=note_id, user=user)


VisibleNote = Annotated[Note, Depends(load_visible_note)]
