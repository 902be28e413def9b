"""Errors of the notes domain. Messages name the field and never repeat the text."""

from service.errors import NotFound, ValidationFailed


class NoteNotFound(NotFound):
    code = "note_not_found"


class NoteTextEmpty(ValidationFailed):
    code = "text_empty"

    def __init__(self) -> None:
        super().__init__("text 不能为空 (text must not be empty)")


class NoteTextTooLong(ValidationFailed):
    code = "text_too_long"

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"text 过长: {length} 字符, 上限 {limit} (text has {length} characters, limit {limit})"
        )


class UnknownLabel(ValidationFailed):
    code = "unknown_label"


class InvalidCursor(ValidationFailed):
    code = "invalid_cursor"
