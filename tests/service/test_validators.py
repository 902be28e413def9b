"""Property tests of the input validators: they accept what they should and refuse with our errors only."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from service.errors import describe_validation_errors
from service.idempotency.errors import InvalidIdempotencyKey
from service.idempotency.service import check_key, request_hash
from service.notes.errors import InvalidCursor, NoteTextEmpty, NoteTextTooLong
from service.notes.models import NoteCreate
from service.notes.service import decode_cursor, subject_hmac, validate_text

LIMIT = 200


@given(st.text(max_size=400))
def test_validate_text_accepts_exactly_non_blank_texts_within_the_limit(text: str) -> None:
    if not text.strip():
        with pytest.raises(NoteTextEmpty):
            validate_text(text, max_chars=LIMIT)
    elif len(text) > LIMIT:
        with pytest.raises(NoteTextTooLong) as info:
            validate_text(text, max_chars=LIMIT)
        assert str(len(text)) in info.value.message
        assert text not in info.value.message
    else:
        assert validate_text(text, max_chars=LIMIT) == text


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_note_create_accepts_any_iso_date(day: date) -> None:
    note = NoteCreate.model_validate(
        {"branch": "B", "source": "talk", "text": "x", "occurred_on": day.isoformat()}
    )
    assert note.occurred_on == day


@given(
    st.one_of(
        st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.none(), st.lists(st.integers())
    )
)
def test_note_create_refuses_non_dates_naming_the_field(value: object) -> None:
    if isinstance(value, str):
        try:
            if len(value) == 10 and date.fromisoformat(value).isoformat() == value:
                return  # a real ISO date
        except ValueError:
            pass
    with pytest.raises(ValidationError) as info:
        NoteCreate.model_validate({"branch": "B", "source": "talk", "text": "x", "occurred_on": value})
    code, detail = describe_validation_errors(info.value.errors(include_input=False))
    assert code == "validation_error"
    assert "occurred_on" in detail


@given(st.text(max_size=20))
def test_note_create_source_is_talk_or_survey(source: str) -> None:
    body = {"branch": "B", "source": source, "text": "x", "occurred_on": "2026-01-01"}
    if source in ("talk", "survey"):
        assert NoteCreate.model_validate(body).source.value == source
    else:
        with pytest.raises(ValidationError):
            NoteCreate.model_validate(body)


@given(st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=10), min_size=1, max_size=3))
def test_note_create_refuses_unknown_fields(extra: dict[str, str]) -> None:
    known = {"branch", "source", "text", "occurred_on", "subject_ref"}
    body = {"branch": "B", "source": "talk", "text": "x", "occurred_on": "2026-01-01", **extra}
    if set(extra) <= known:
        return
    with pytest.raises(ValidationError) as info:
        NoteCreate.model_validate(body)
    assert any(err["type"] == "extra_forbidden" for err in info.value.errors())


@given(st.text(max_size=300))
def test_decode_cursor_raises_only_invalid_cursor(cursor: str) -> None:
    try:
        moment, note_id = decode_cursor(cursor)
    except InvalidCursor:
        return
    assert moment.tzinfo is not None and isinstance(note_id, uuid.UUID)


@given(st.text(max_size=300))
def test_check_key_accepts_printable_ascii_only(key: str) -> None:
    valid = 0 < len(key) <= 255 and all(33 <= ord(ch) <= 126 for ch in key)
    if valid:
        assert check_key(key) == key
    else:
        with pytest.raises(InvalidIdempotencyKey):
            check_key(key)


@given(
    st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=5), st.integers(), st.none()), max_size=6)
)
def test_request_hash_ignores_key_order(body: dict[str, object]) -> None:
    reordered = dict(reversed(list(body.items())))
    assert request_hash("e", body) == request_hash("e", reordered)
    assert request_hash("e", body) != request_hash("f", body)


@settings(max_examples=50)
@given(st.text(min_size=1, max_size=50).filter(lambda s: s.strip()))
def test_subject_hmac_is_stable_and_hides_the_value(ref: str) -> None:
    digest = subject_hmac(secret=b"k" * 32, subject_ref=ref)
    assert digest is not None and len(digest) == 64
    assert digest == subject_hmac(secret=b"k" * 32, subject_ref=ref)
    assert ref.strip() not in digest or len(ref.strip()) <= 2
