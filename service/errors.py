"""One error base for the service and the handlers that render every 4xx in one JSON shape.

The shape is `{"error": code, "detail": message}`. Messages say what is wrong and where; they never repeat
the submitted note text or any other input value.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("xinsheng.errors")


class XinshengError(Exception):
    """Base of every expected error; `status` is the HTTP status the API answers with."""

    status: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        message: str,
        status: int | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.headers = headers


class NotFound(XinshengError):
    status = 404
    code = "not_found"


class ValidationFailed(XinshengError):
    status = 422
    code = "validation_error"


class Conflict(XinshengError):
    status = 409
    code = "conflict"


class NotAuthenticated(XinshengError):
    status = 401
    code = "not_authenticated"

    def __init__(self, message: str = "missing, invalid or revoked API token") -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(XinshengError):
    status = 403
    code = "forbidden"


class PayloadTooLarge(XinshengError):
    status = 413
    code = "payload_too_large"


class MalformedBody(XinshengError):
    status = 400
    code = "malformed_body"


class ErrorBody(BaseModel):
    """The one error shape: a stable code and a message saying what is wrong and where."""

    error: str
    detail: str


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these statuses, all in the one error shape."""
    return {
        status: {"model": ErrorBody, "description": _DESCRIPTIONS.get(status, "error")} for status in statuses
    }


_DESCRIPTIONS = {
    400: "malformed JSON or body not UTF-8",
    401: "missing, invalid or revoked token",
    403: "role or branch not allowed",
    404: "not found (also another branch's object)",
    409: "a request with the same Idempotency-Key is still in progress",
    413: "request body too large",
    422: "invalid input; `detail` names the field",
    503: "database busy or unavailable",
}


def shown(value: object, limit: int = 24) -> str:
    """Quote a short input value (a code) for an error message, cut so that no long text is echoed."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def error_body(code: str, detail: str) -> dict[str, str]:
    return {"error": code, "detail": detail}


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc) or "body"


# Chinese for the validation errors people meet most; pydantic's English follows in brackets.
_MESSAGES_ZH = {
    "missing": "缺少字段",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为字符串",
    "string_too_short": "过短",
    "string_too_long": "过长",
    "string_pattern_mismatch": "格式不正确",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "too_short": "条目过少",
    "too_long": "条目过多",
    "list_type": "应为数组",
    "dict_type": "应为对象",
    "model_attributes_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "uuid_parsing": "应为 UUID",
    "uuid_type": "应为 UUID",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
}


def describe_validation_errors(errors: list[dict[str, Any]]) -> tuple[str, str]:
    """Turn pydantic errors into (code, detail) naming each field; input values are never included."""
    if any(err.get("type") == "json_invalid" for err in errors):
        err = next(e for e in errors if e.get("type") == "json_invalid")
        reason = (err.get("ctx") or {}).get("error", "invalid JSON")
        return "malformed_json", f"request body is not valid JSON (请求体不是合法的 JSON): {reason}"
    parts = []
    for err in errors:
        english = err.get("msg", "invalid value")
        chinese = _MESSAGES_ZH.get(err.get("type", ""))
        message = f"{chinese} ({english})" if chinese else english
        parts.append(f"{_loc(err.get('loc', ()))}: {message}")
    return "validation_error", "; ".join(parts)


async def _xinsheng_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, XinshengError)
    return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status, headers=exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    code, detail = describe_validation_errors(list(exc.errors()))
    status = 400 if code == "malformed_json" else 422
    return JSONResponse(error_body(code, detail), status_code=status)


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else code
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route {request.url.path} (路径不存在)"
    if exc.status_code == 405:
        detail = f"method {request.method} not allowed on {request.url.path}"
    return JSONResponse(error_body(code, detail), status_code=exc.status_code, headers=exc.headers)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    from sqlalchemy.exc import DataError, OperationalError

    log.warning(
        "database error",
        extra={"event": "http.database_error", "path": request.url.path, "error_type": type(exc).__name__},
    )
    if isinstance(exc, DataError):
        # The database refused a value the validators let through (e.g. a NUL character).
        return JSONResponse(
            error_body("invalid_value", "a value cannot be stored as given (值无法保存，可能含有非法字符)"),
            status_code=422,
        )
    if isinstance(exc, OperationalError):
        return JSONResponse(
            error_body("database_unavailable", "database busy or unavailable; retry later (数据库繁忙)"),
            status_code=503,
            headers={"Retry-After": "1"},
        )
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error(
        "unhandled error",
        extra={"event": "http.unhandled", "path": request.url.path, "error_type": type(exc).__name__},
    )
    return JSONResponse(error_body("internal_error", "internal error (服务器内部错误)"), status_code=500)


def register_error_handlers(app: FastAPI) -> None:
    """Render XinshengError, validation and HTTP errors in the one JSON shape."""
    app.add_exception_handler(XinshengError, _xinsheng_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    from sqlalchemy.exc import DataError, OperationalError

    app.add_exception_handler(DataError, _database_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
