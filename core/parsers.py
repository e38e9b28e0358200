"""The API's JSON parser: DRF's, with a 400 for a document nested too deeply to decode."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """Python's json module raises RecursionError, not ValueError, for nesting deeper than the
    interpreter's recursion limit ([[[[...]]]] in a few hundred kilobytes); DRF's parser turns only
    ValueError into a ParseError, so without this such a body is a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from None
