"""Errors of the accounts domain."""

from service.errors import Conflict, NotFound, ValidationFailed


class UnitNotFound(NotFound):
    code = "unit_not_found"


class BranchNotFound(NotFound):
    code = "branch_not_found"


class UserNotFound(NotFound):
    code = "user_not_found"


class AccountExists(Conflict):
    code = "already_exists"


class InvalidAccount(ValidationFailed):
    code = "invalid_account"
