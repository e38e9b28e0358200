"""Fixtures of the WhatsApp tests."""

from tests.whatsapp.inbound_support import graph  # noqa: F401 (the inbound tests' fake Graph API, channel on)
