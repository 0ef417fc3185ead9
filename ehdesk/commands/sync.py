"""``ehdesk sync --profile NAME [--server URL]``: one sync, headless, with a summary."""

from __future__ import annotations

from ehdesk.commands.common import open_profile
from ehdesk.config.settings import device_settings
from ehdesk.errors import EhdeskError


def register(sub) -> None:
    parser = sub.add_parser("sync", help="send this laptop's changes and receive the team's, once")
    parser.add_argument("--profile", required=True, help="the worker profile")
    parser.add_argument("--server", metavar="URL", help="the council server (default: the profile's)")
    parser.set_defaults(handler=_sync)


def _sync(args) -> int:
    from ehdesk.sync.client import SyncClient
    from ehdesk.sync.engine import SyncEngine
    from ehdesk.sync.tokens import load_refresh_token

    store = open_profile(args)
    try:
        server = args.server or store.profile.server_url or device_settings().server_url
        if not server:
            raise EhdeskError("This profile has no council server. Give one with --server URL.")
        client = SyncClient(server, device_id=store.device_id, refresh_token=load_refresh_token(store))
        try:
            summary = SyncEngine(store, client).sync()
        finally:
            client.close()
    finally:
        store.close()
    print(summary.text())
    if summary.refused:
        print(f"Which, and why: ehdesk refused --profile {args.profile}")
    return 0
