"""gRPC status errors as the REST gateway answers them: `{"code", "message", "details": []}` with the HTTP status of
grpc-gateway's `runtime.HTTPStatusFromCode` (runtime/errors.go)."""
from __future__ import annotations

# code → (gRPC name, HTTP status), grpc-gateway runtime/errors.go HTTPStatusFromCode
CODES = {
    0: ("OK", 200), 1: ("Canceled", 499), 2: ("Unknown", 500), 3: ("InvalidArgument", 400),
    4: ("DeadlineExceeded", 504), 5: ("NotFound", 404), 6: ("AlreadyExists", 409), 7: ("PermissionDenied", 403),
    8: ("ResourceExhausted", 429), 9: ("FailedPrecondition", 400), 10: ("Aborted", 409), 11: ("OutOfRange", 400),
    12: ("Unimplemented", 501), 13: ("Internal", 500), 14: ("Unavailable", 503), 15: ("DataLoss", 500),
    16: ("Unauthenticated", 401),
}

INVALID_ARGUMENT = 3
NOT_FOUND = 5
PERMISSION_DENIED = 7
FAILED_PRECONDITION = 9
UNIMPLEMENTED = 12
UNAUTHENTICATED = 16


class RpcError(Exception):
    """A gRPC status; the handler turns it into the gateway's error answer."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def http_status(self) -> int:
        return CODES.get(self.code, ("Unknown", 500))[1]

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, "details": []}


def validation_error(path: str, message: str, rule: str) -> RpcError:
    """protovalidate's violation text: `validation error:\\n - <field path>: <message> [<rule id>]`."""
    where = f"{path}: " if path else ""
    return RpcError(INVALID_ARGUMENT, f"validation error:\n - {where}{message} [{rule}]")
