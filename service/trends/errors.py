"""Errors of the trends domain."""

from service.errors import ValidationFailed


class InvalidTrendQuery(ValidationFailed):
    code = "invalid_trend_query"
