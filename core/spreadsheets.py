"""Cells for CSV and XLSX exports that a spreadsheet shows as text and never runs as a formula.

A cell is read as a formula when it starts with one of FORMULA_STARTS (OWASP, "CSV injection").
A cell can also be cut into several: a list joined with "; " ("Budi; =HYPERLINK(…)"), or a CSV
opened where the list separator is ";" (as in Indonesian Excel), or Text to Columns. So every
part that follows a separator or a line break is disarmed too, not only the cell's first character.
"""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A separator or line break, any spaces after it, then a character that starts a formula.
_PART_STARTING_A_FORMULA = re.compile(r"([;,\t\r\n] *)(?=[=+\-@])")


def neutralise(value):
    """The value itself, unless it is text a spreadsheet could run: then with an apostrophe (which
    spreadsheets read as "this is text") before the cell and before every part that starts a formula."""
    if not isinstance(value, str):
        return value
    value = _PART_STARTING_A_FORMULA.sub(r"\1'", value)
    if value.lstrip(" ").startswith(FORMULA_STARTS):
        value = "'" + value
    return value
