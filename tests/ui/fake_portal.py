"""A stand-in for the desktop portal's Settings interface (what Qt's GNOME theme asks for the
light or dark choice), on the session bus named by DBUS_SESSION_BUS_ADDRESS:

    python fake_portal.py 1     # colour scheme 1, "prefer dark" (2 is "prefer light")

Prints "ready" once it owns the portal's name; answers until it is stopped. For
tests/ui/test_startup.py; needs jeepney (which keyring brings on Linux)."""

from __future__ import annotations

import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

APPEARANCE = "org.freedesktop.appearance"


def main() -> None:
    settings = {"color-scheme": ("u", int(sys.argv[1])), "contrast": ("u", 0)}
    conn = open_dbus_connection(bus="SESSION")
    conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.portal.Desktop"))
    print("ready", flush=True)
    while True:
        call = conn.receive()
        if call.header.message_type != MessageType.method_call:
            continue
        member = call.header.fields.get(HeaderFields.member)
        if member == "ReadAll":  # what Qt asks when it starts
            conn.send(new_method_return(call, "a{sa{sv}}", ({APPEARANCE: settings},)))
        elif member == "ReadOne" and tuple(call.body[:1]) == (APPEARANCE,) and call.body[1] in settings:
            conn.send(new_method_return(call, "v", (settings[call.body[1]],)))
        else:
            conn.send(new_error(call, "org.freedesktop.portal.Error.NotFound", "s", ("not here",)))


if __name__ == "__main__":
    main()
