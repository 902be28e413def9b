"""Errors of idempotent requests."""

from service.errors import Conflict, ValidationFailed


class IdempotencyKeyReused(ValidationFailed):
    code = "idempotency_key_reused"


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"


class InvalidIdempotencyKey(ValidationFailed):
    code = "invalid_idempotency_key"
