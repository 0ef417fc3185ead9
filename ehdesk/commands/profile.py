"""``ehdesk profile create|sign-in|list|change-password|recover``."""

from __future__ import annotations

import json
from pathlib import Path

from ehdesk.commands.common import manager, read_password
from ehdesk.config.settings import device_settings
from ehdesk.errors import EhdeskError


def register(sub) -> None:
    profile = sub.add_parser("profile", help="create and list worker profiles on this computer")
    psub = profile.add_subparsers(
        dest="profile_command", metavar="{create,sign-in,list,change-password,recover}"
    )
    psub.required = True

    create = psub.add_parser("create", help="create a worker's encrypted store")
    create.add_argument("--name", required=True, help="the worker's name, as shown on the sign-in screen")
    create.add_argument(
        "--server", metavar="URL", help="sign in to the council server and provision the profile"
    )
    create.add_argument("--username", help="the worker's user name on the server (default: --name)")
    create.set_defaults(handler=_create)

    again = psub.add_parser(
        "sign-in",
        help="sign a profile in to its council server again (after IT reset the password), then sync",
    )
    again.add_argument("--name", required=True, help="the worker profile")
    again.set_defaults(handler=_sign_in_again)

    listing = psub.add_parser("list", help="the profiles on this computer")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)

    change = psub.add_parser(
        "change-password", help="change a worker's password (the store is not re-encrypted)"
    )
    change.add_argument("--name", required=True)
    change.set_defaults(handler=_change_password)

    recover = psub.add_parser(
        "recover", help="set a new password with the organisation's recovery private key (for managers)"
    )
    recover.add_argument("--name", required=True)
    recover.add_argument("--recovery-key", required=True, type=Path, metavar="FILE", help="PEM private key")
    recover.set_defaults(handler=_recover)


def _create(args) -> int:
    if args.server:
        from ehdesk.sync.provision import provision_profile  # arrives with the sync feature

        profile = provision_profile(args, read_password(confirm=False))
        print(f'Created profile "{profile.name}", signed in to {args.server}.')
        return 0
    password = read_password(confirm=True)
    profile = manager(args).create(
        args.name, password, recovery_public_key_pem=device_settings().recovery_public_key_pem()
    )
    print(f'Created profile "{profile.name}".')
    return 0


def _sign_in_again(args) -> int:
    """The profile's own password unlocks it (``EHDESK_PASSWORD`` or a prompt, as ``create``
    reads it); the server password is the same unless IT reset it (``EHDESK_SERVER_PASSWORD``, or
    a second prompt). The store is opened without the expiry rule: an expired profile is exactly
    one that may need this, and nothing in it is shown."""
    from ehdesk.sync.provision import sign_in_again

    password = read_password(f'Password for "{args.name}" on this laptop: ')
    server_password = _server_password(password)
    store = manager(args).unlock(args.name, password)
    try:
        server = store.profile.server_url
        summary = sign_in_again(store, server_password)
    finally:
        store.close()
    print(f'Signed "{args.name}" in again to {server}. {summary.text()}')
    return 0


def _server_password(profile_password: str) -> str:
    import os

    if "EHDESK_SERVER_PASSWORD" in os.environ:
        return os.environ["EHDESK_SERVER_PASSWORD"]
    if "EHDESK_PASSWORD" in os.environ:
        return profile_password
    typed = read_password("Council server password (press Enter if it is the same): ")
    return typed or profile_password


def _list(args) -> int:
    profiles = manager(args).list()
    if args.json:
        print(json.dumps([{"id": p.id, "name": p.name, "server": p.server_url} for p in profiles], indent=2))
    elif not profiles:
        print("No worker profiles on this computer yet.")
    else:
        for p in profiles:
            where = f"  (server: {p.server_url})" if p.server_url else ""
            print(f"{p.name}{where}")
    return 0


def _change_password(args) -> int:
    old = read_password("Current password: ")
    new = _new_password()
    manager(args).change_password(args.name, old, new)
    print("Password changed.")
    return 0


def _recover(args) -> int:
    try:
        pem = args.recovery_key.read_bytes()
    except OSError:
        raise EhdeskError(f"The recovery key file {args.recovery_key} cannot be read.") from None
    manager(args).recover(args.name, pem, _new_password())
    print(f'A new password is set for "{args.name}".')
    return 0


def _new_password() -> str:
    import os

    if "EHDESK_NEW_PASSWORD" in os.environ:
        return os.environ["EHDESK_NEW_PASSWORD"]
    return read_password("New password: ", confirm=True)
