"""A project brief tested against the computed programme (``?toets=1`` on the brief page).

The brief page itself belongs to projects; this package serves it with the test added,
under the same URL and URL name (`programming.briefs.urls`).
"""
