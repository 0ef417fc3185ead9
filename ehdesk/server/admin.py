"""What council IT does with ``ehdesk-server admin ...``: teams, users, passwords, moving a family
between teams, stopping a lost laptop. Each act is one transaction and is audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.errors import EhdeskError, NotFound
from ehdesk.models import Blob, Family, FamilyScoped, Team, User, synced_models
from ehdesk.server import move_requests, signin_limits
from ehdesk.server.changelog import Revisions, log_row
from ehdesk.server.models import (
    Account,
    BlobOwner,
    ChangeLog,
    Device,
    Quarantine,
    ScopeMove,
    ServerAudit,
    TeamMember,
)
from ehdesk.server.security import hash_password, revoke_device_tokens
from ehdesk.sync.protocol import ROLES, role_with_article


def _team(session: Session, name: str) -> Team:
    team = session.scalars(select(Team).where(Team.name == name, Team.deleted.is_(False))).first()
    if team is None:
        raise NotFound(f'There is no team called "{name}".')
    return team


def user_name(text: str) -> str:
    """A user name as typed (``--name " ann "``), as it is kept and looked up: without the spaces
    around it. The one place both creating a user and finding one trim the name."""
    name = text.strip()
    if not name:
        raise EhdeskError("The user name is empty.")
    return name


def _user(session: Session, username: str) -> tuple[User, Account]:
    username = user_name(username)
    account = session.scalars(select(Account).where(Account.username == username)).first()
    if account is None:
        raise NotFound(f'There is no user called "{username}".')
    return session.get(User, account.user_id), account


def _audit(session: Session, action: str, entity: str, entity_id: str, **detail) -> None:
    session.add(
        ServerAudit(user_id="admin-cli", action=action, entity=entity, entity_id=entity_id, detail=detail)
    )


def create_team(session: Session, name: str) -> Team:
    name = name.strip()
    if not name:
        raise EhdeskError("The team name is empty.")
    if session.scalars(select(Team).where(Team.name == name)).first() is not None:
        raise EhdeskError(f'A team called "{name}" already exists.')
    team = Team(name=name)
    session.add(team)
    session.flush()
    log_row(session, Revisions(session), team, ["name"])
    _audit(session, "create_team", "team", team.id)
    return team


def create_user(session: Session, username: str, team_name: str, role: str, password: str) -> User:
    username = user_name(username)
    if role not in ROLES:
        raise EhdeskError(f"The role must be one of: {', '.join(ROLES)}.")
    if len(password) < 8:
        raise EhdeskError("The password is too short. Choose a password of at least 8 characters.")
    if session.scalars(select(Account).where(Account.username == username)).first() is not None:
        raise EhdeskError(f'A user called "{username}" already exists.')
    team = _team(session, team_name)
    user = User(username=username, display_name=username, role=role, team_id=team.id)
    session.add(user)
    session.flush()
    session.add(Account(user_id=user.id, username=username, password_hash=hash_password(password)))
    session.add(TeamMember(user_id=user.id, team_id=team.id))
    log_row(session, Revisions(session), user, ["username", "role", "team_id"])
    _audit(session, "create_user", "user_account", user.id, role=role)
    return user


def reset_password(session: Session, username: str, password: str) -> str:
    """Returns the user's name as kept (without stray spaces)."""
    if len(password) < 8:
        raise EhdeskError("The password is too short. Choose a password of at least 8 characters.")
    user, account = _user(session, username)
    account.password_hash = hash_password(password)
    # Whoever knew the old password may hold a session: every laptop of the user signs in again.
    for device in session.scalars(select(Device).where(Device.user_id == user.id)):
        revoke_device_tokens(session, device.id)
    # A worker locked out by wrong passwords (up to an hour) can sign in with the new one at once:
    # the wait stayed, and IT could do nothing but tell them to wait.
    signin_limits.forget_user(session, account.username)
    _audit(session, "reset_password", "user_account", user.id)
    return account.username


def disable_user(session: Session, username: str) -> tuple[str, bool]:
    """A worker who has left (or must not get in for now): no sign-in anywhere, and every session
    of every laptop of theirs ends at once, as after a password reset. What their laptops hold
    stays on them, encrypted; ``revoke-device --name U --wipe`` removes it. Returns the name as
    kept and whether the account was already disabled (then nothing changes)."""
    user, account = _user(session, username)
    if account.disabled:
        return account.username, True
    account.disabled = True
    for device in session.scalars(select(Device).where(Device.user_id == user.id)):
        revoke_device_tokens(session, device.id)
    _audit(session, "disable_user", "user_account", user.id)
    return account.username, False


def enable_user(session: Session, username: str) -> tuple[str, bool]:
    """The account usable again: its laptops sign in again with the password (``profile
    sign-in``, or "Sign in again…"). Returns the name and whether it was already enabled."""
    user, account = _user(session, username)
    if not account.disabled:
        return account.username, True
    account.disabled = False
    _audit(session, "enable_user", "user_account", user.id)
    return account.username, False


def set_role(session: Session, username: str, role: str) -> tuple[str, str]:
    """A worker made a manager, or back (not an admin, or from one: that changes which families
    the laptop holds). The user row is logged like any change, so the worker's laptops take the
    new role at their next sync (``sync.engine`` follows it), and every server process refuses or
    allows by it within a second (the auth epoch). Returns the name as kept and the role before
    (the same role again changes and logs nothing)."""
    if role not in ROLES:
        raise EhdeskError(f"The role must be one of: {', '.join(ROLES)}.")
    user, account = _user(session, username)
    before = user.role
    if before == role:
        return account.username, before
    if "admin" in (before, role):
        # An admin's laptop holds every team's families, a worker's only their team's: a laptop
        # keeps what it has and pulls what changes after its cursor, so it would hold too little
        # (made an admin) or too much (no longer one).
        raise EhdeskError(
            f'"{account.username}" is {role_with_article(before)}: an admin sees every team\'s families '
            "and a worker only their team's, so a laptop cannot change between the two. "
            "Create a separate user for the other role (create-user --role ...)."
        )
    user.role = role
    session.flush()
    log_row(session, Revisions(session), user, ["role"])
    _audit(session, "set_role", "user_account", user.id, role=role, before=before)
    return account.username, before


def move_user(session: Session, username: str, team_name: str) -> tuple[str, str]:
    """A worker who has moved to another team: from now on the server gives and takes only that
    team's families from them. The user row is logged like any change, so their laptops learn the
    new team at their next sync and follow it there (``sync.engine``): they drop the old team's
    families and take the new team's as a first sync does. Returns the name as kept and the old
    team's name (the same team again changes and logs nothing).

    What the worker changed on the old team's families and had not sent is refused at that sync,
    and kept aside for IT (``admin refused``): ask them to sync before the move. Cases allocated
    to them in the old team stay allocated to them until their manager reallocates them."""
    user, account = _user(session, username)
    team = _team(session, team_name)
    if user.role == "admin":
        raise EhdeskError(f'"{account.username}" is an admin, who sees every team\'s families already.')
    old = session.get(Team, user.team_id) if user.team_id else None
    members = list(session.scalars(select(TeamMember).where(TeamMember.user_id == user.id)))
    if user.team_id == team.id and [m.team_id for m in members] == [team.id]:
        return account.username, team.name
    for member in members:
        session.delete(member)
    session.flush()
    session.add(TeamMember(user_id=user.id, team_id=team.id))
    user.team_id = team.id
    session.flush()
    revisions = Revisions(session)
    # The old team's laptops hear of it too: their staff lists (who a case can be allocated to)
    # no longer offer the worker who left the team.
    for old_team in sorted({m.team_id for m in members} - {team.id}):
        log_row(session, revisions, user, ["team_id"], team_id=old_team)
    log_row(session, revisions, user, ["team_id"])
    _audit(
        session,
        "move_user",
        "user_account",
        user.id,
        from_teams=sorted(m.team_id for m in members),
        to_team=team.id,
    )
    return account.username, old.name if old is not None else ""


def move_family(session: Session, family_id: str, team_name: str) -> int:
    """Give a family to another team. Its records are re-sent (as new revisions) so the new team's
    laptops receive them; the old team's laptops purge it at their next sync. Returns the number
    of records re-sent."""
    family = session.get(Family, family_id)
    if family is None:
        raise NotFound("There is no family with that id on the server.")
    team = _team(session, team_name)
    if family.team_id == team.id:
        raise EhdeskError("The family already belongs to that team.")
    old_team = family.team_id
    revisions = Revisions(session)
    family.team_id = team.id
    log_row(session, revisions, family, ["team_id"])
    session.add(
        ScopeMove(revision=revisions.next(), family_id=family.id, from_team=old_team, to_team=team.id)
    )
    move_requests.close_for_move(session, revisions, family.id, team.id)  # asked for from a laptop
    sent = 1
    for model in synced_models():
        if issubclass(model, FamilyScoped):
            for row in session.scalars(select(model).where(model.family_id == family.id)):
                log_row(session, revisions, row, [])
                sent += 1
    owned = select(BlobOwner.sha256).where(BlobOwner.family_id == family.id)
    for blob in session.scalars(select(Blob).where(Blob.sha256.in_(owned))):
        log_blob(session, revisions, blob, family.id)
    _audit(session, "move_family", "family", family.id, from_team=old_team, to_team=team.id)
    return sent


def log_blob(session: Session, revisions: Revisions, blob: Blob, family_id: str | None = None) -> None:
    """A blob for the laptops of ``family_id`` (by default the family it was first uploaded for)."""
    session.add(ChangeLog(**blob_log_row(revisions, blob, family_id)))


def blob_log_row(revisions: Revisions, blob, family_id: str | None = None) -> dict:
    """The change-log row telling ``family_id``'s laptops of a blob (``blob``: anything with its
    sha256, family_id, media_type and size)."""
    return {
        "revision": revisions.next(),
        "entity": "blob",
        "row_id": blob.sha256,
        "family_id": family_id if family_id is not None else blob.family_id,
        "fields": {"media_type": blob.media_type, "size": blob.size},
        "changed": [],
    }


def _devices(session: Session, username: str | None, device_id: str | None) -> list[Device]:
    if device_id:
        device = session.get(Device, device_id)
        if device is None:
            raise NotFound("There is no device with that id.")
        return [device]
    if username:
        user, account = _user(session, username)
        devices = list(session.scalars(select(Device).where(Device.user_id == user.id)))
        if not devices:
            raise NotFound(f'"{account.username}" has not signed in from any laptop.')
        return devices
    raise EhdeskError("Name the device (--device ID) or the user (--name U).")


def revoke_device(
    session: Session, username: str | None = None, device_id: str | None = None, wipe: bool = False
) -> int:
    """The laptop can no longer sync; its access ends at once. Its data stays on it (encrypted)
    unless ``wipe``: then its next contact with the server receives the wipe, and nothing else."""
    devices = _devices(session, username, device_id)
    for device in devices:
        device.revoked = True
        revoke_device_tokens(session, device.id)
        if wipe:
            device.wipe = True
        _audit(session, "revoke_device", "device", device.id, wipe=wipe)
    return len(devices)


def wipe_profile(session: Session, username: str | None = None, device_id: str | None = None) -> int:
    """At its next contact the laptop receives the wipe (every record removed) and can do nothing
    else with the server: even if it was revoked before or after (see README, "A lost laptop")."""
    devices = _devices(session, username, device_id)
    for device in devices:
        device.wipe = True
        _audit(session, "wipe_profile", "device", device.id)
    return len(devices)


def devices(session: Session, username: str | None = None) -> list[tuple[Device, str]]:
    """Every laptop that has signed in (or ``username``'s), with its user's name, oldest first:
    how IT finds the id ``revoke-device --device`` and ``wipe-profile --device`` take."""
    query = select(Device, Account.username).join(Account, Account.user_id == Device.user_id)
    if username is not None:
        user, account = _user(session, username)
        query = query.where(Device.user_id == user.id)
    return [(device, name) for device, name in session.execute(query.order_by(Device.created_at, Device.id))]


def users(session: Session, team_name: str | None = None) -> list[tuple[str, str, str, bool]]:
    """Every user (or ``team_name``'s), by name: (name, team, role, disabled). How IT sees who is
    a manager before ``set-role``, and which team each worker is in."""
    query = (
        select(Account.username, Team.name, User.role, Account.disabled)
        .join(User, User.id == Account.user_id)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.deleted.is_(False))
    )
    if team_name is not None:
        query = query.where(User.team_id == _team(session, team_name).id)
    return [
        (name, team or "", role, bool(disabled))
        for name, team, role, disabled in session.execute(query.order_by(Account.username))
    ]


def refused(session: Session, username: str | None = None) -> list[tuple[Quarantine, str]]:
    """Every change the server refused and kept aside (or ``username``'s), oldest first, with its
    worker's name: what IT looks at when the app told a worker "The server refused 1 change: ask
    IT." Each keeps the change as sent; the listing names only the record, never its contents."""
    query = select(Quarantine, Account.username).join(Account, Account.user_id == Quarantine.user_id)
    if username is not None:
        user, _account = _user(session, username)
        query = query.where(Quarantine.user_id == user.id)
    return [(q, name) for q, name in session.execute(query.order_by(Quarantine.at, Quarantine.id))]
