"""The statistical return, for managers (their teams) and admins (the whole council)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Response

from ehdesk.server.deps import CurrentPrincipal, DbSession, check_version, error, refuse
from ehdesk.server.models import ServerAudit
from ehdesk.server.openapi import AUTHENTICATED, FORBIDDEN

router = APIRouter()


@router.get(
    "/v1/reports/return",
    responses={
        **AUTHENTICATED,
        **FORBIDDEN,
        200: {
            "content": {
                "text/csv": {},
                "application/pdf": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            },
            "description": "The return, the management report or the Supporting Families return.",
        },
    },
)
def statistical_return(
    s: DbSession,
    principal: CurrentPrincipal,
    schema_version: int = Query(..., ge=1, le=1000),
    date_from: str = Query(..., alias="from", max_length=10),
    date_to: str = Query(..., alias="to", max_length=10),
    fmt: str = Query("csv", alias="format", max_length=4),
    kind: str = Query("return", max_length=24),
) -> Response:
    """The suppressed statistical return: a manager's teams, or the whole council for an admin."""
    from ehdesk.errors import EhdeskError
    from ehdesk.reports.arguments import download

    check_version(schema_version)
    if principal.role not in ("manager", "admin"):
        refuse(s, principal, "refused_read", "report", "return", None)
        return error(403, "Only managers and admins can download the statistical return.")
    teams = None if principal.is_admin else sorted(principal.team_ids)
    try:
        body, media_type, filename = download(s, date_from, date_to, fmt, teams, kind)
    except EhdeskError as exc:
        raise HTTPException(422, exc.message) from None
    s.add(
        ServerAudit(
            user_id=principal.user_id,
            device_id=principal.device_id,
            action="report",
            entity="return",
            entity_id=f"{date_from}..{date_to}",
            family_id=None,
            detail={"format": fmt, "teams": teams or "all", "kind": kind},
        )
    )
    return Response(
        content=body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
