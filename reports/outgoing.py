"""Where an officer's message to the reporter goes besides the web thread: other channels (the
WhatsApp app) register a carrier in their `ready()`, so reports imports none of them.
`report_message_add` calls `staff_message_added` in its transaction; a carrier writes its own
rows there and sends after commit."""

from collections.abc import Callable

_CARRIERS: list[Callable] = []


def register_carrier(carrier: Callable) -> None:
    """`carrier(message)` is called for every staff message (a ReportMessage), in its transaction."""
    if carrier not in _CARRIERS:
        _CARRIERS.append(carrier)


def staff_message_added(message) -> None:
    for carrier in _CARRIERS:
        carrier(message)
