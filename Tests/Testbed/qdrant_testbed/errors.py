"""Qdrant's error kinds with their HTTP status and message prefix (qdrant-api.md §1.2)."""
from __future__ import annotations


class ApiError(Exception):
    """An error the server reports as `{"status":{"error":message}}` (or plain text on download endpoints)."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad_input(msg: str) -> ApiError:
    return ApiError(400, f"Wrong input: {msg}")


def already_exists(msg: str) -> ApiError:
    return ApiError(409, f"Wrong input: {msg}")


def not_found(msg: str) -> ApiError:
    return ApiError(404, f"Not found: {msg}")


def service_error(msg: str) -> ApiError:
    return ApiError(500, f"Service internal error: {msg}")


def bad_request(msg: str) -> ApiError:
    return ApiError(400, f"Bad request: {msg}")


def forbidden(msg: str) -> ApiError:
    return ApiError(403, f"Forbidden: {msg}")


def standalone_mode() -> ApiError:
    """StorageError::StandaloneMode: 405 with the bare message (an operation that needs distributed mode)."""
    return ApiError(405, "Qdrant is running in standalone mode")


def validation(where: str, msg: str) -> ApiError:
    return ApiError(422, f"Validation error in {where}: {msg}")


def collection_missing(name: str) -> ApiError:
    return not_found(f"Collection `{name}` doesn't exist!")


def format_error(msg: str) -> ApiError:
    """actix-web-validator's JSON deserialization error: 400 `Format error in JSON body: …` (no `Bad request:`)."""
    return ApiError(400, f"Format error in JSON body: {msg}")
