"""The one rule for putting text people typed into a spreadsheet cell (#14).

A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and a leading tab or carriage return can hide such a start from a reader. A
work called ``=HYPERLINK("http://…","klik")`` in a CSV or Excel download would then be
a live link in the programme manager's Excel (OWASP "CSV injection"). Every writer of
CSV and Excel files therefore:

- passes each *text* value through `neutralise`, which puts a single quote before such
  a start, so the cell shows the text as typed with a visible quote in front; numbers and
  dates are written as numbers and dates and never neutralised (-5 stays a number);
- writes text into a workbook as a string cell, never with a call that guesses formulas
  or links from the text (XlsxWriter's ``write_string``, not ``write``; for openpyxl the
  neutralised text no longer starts with ``=``, which is what makes it guess a formula).

`restore` undoes `neutralise`, for files that come back, such as the partner template.
"""

#: The first characters that make a spreadsheet program read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(text: str) -> str:
    """`text` with a single quote in front when it starts like a formula."""
    if text.startswith(FORMULA_STARTS):
        return QUOTE + text
    return text


def restore(text: str) -> str:
    """The text `neutralise` was given: without the quote it put in front."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
