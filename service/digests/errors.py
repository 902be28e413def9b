"""Errors of the digests domain."""

from service.errors import ValidationFailed


class InvalidDigestRequest(ValidationFailed):
    code = "invalid_digest_request"
