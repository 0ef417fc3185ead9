"""Headless sub-commands of ``ehdesk``, one module per command family. Each module has
``register(subparsers)`` that adds its parser(s) and sets ``handler`` on them."""

COMMAND_MODULES = [
    "ehdesk.commands.profile",
    "ehdesk.commands.demo",
    "ehdesk.commands.family",
    "ehdesk.commands.export",
    "ehdesk.commands.pdf",
    "ehdesk.commands.report",
    "ehdesk.commands.tools",
    "ehdesk.commands.sync",
    "ehdesk.commands.refused",
]
