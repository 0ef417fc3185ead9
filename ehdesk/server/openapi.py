"""What the OpenAPI spec promises besides success: every error body is ``{"detail": "<one plain
sentence>"}`` (``ErrorBody``), for the statuses each route can give. Request validation errors are
turned into that same body, naming the field, instead of FastAPI's list of error objects."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ehdesk.sync.protocol import ErrorBody


def _r(description: str) -> dict:
    return {"model": ErrorBody, "description": description}


INVALID = {422: _r("The request is malformed: a value of the wrong kind, named in the detail.")}
TOO_LARGE = {413: _r("The request body is too large, as sent or once unpacked.")}
BAD_GZIP = {400: _r("An unsupported schema version, or a body that says it is gzip but is not.")}
VERSIONED = {**BAD_GZIP, **INVALID, **TOO_LARGE, 401: _r("Not signed in, or no longer.")}
AUTHENTICATED = {**VERSIONED}
SIGN_IN = {
    **BAD_GZIP,
    **INVALID,
    **TOO_LARGE,
    401: _r("The user name or password is wrong."),
    403: _r("Signing a laptop in again: IT revoked this device, or asked for it to be wiped."),
    409: _r("Signing a laptop in again: the server does not know this device, or it is another worker's."),
    429: _r("Too many failed sign-ins from this address: wait (see Retry-After)."),
}
NOT_FOUND = {404: _r("No such document or family, or not one this worker may see.")}
FORBIDDEN = {403: _r("The worker's role may not do this.")}


def _field(loc: tuple) -> str:
    parts = [str(x) for x in loc if x not in ("body", "query", "path")]
    return ".".join(parts) or "the request"


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    where = _field(tuple(first.get("loc", ())))
    message = first.get("msg", "is not valid")
    if first.get("type") == "json_invalid":
        detail = "The request is not valid JSON."
    else:
        detail = f"The request's {where} is not valid: {message}."
    # Never echo the value back (it may be a password).
    return JSONResponse(status_code=422, content={"detail": detail})
