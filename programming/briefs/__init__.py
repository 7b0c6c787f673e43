"""Project pages that read the computed programme, served on projects' own routes.

The brief page with its test against the programme (``?toets=1``) and the project page
with what happens nearby ("In de buurt") belong to projects; this package serves them with
the programme's part added, under the same URLs and URL names (`programming.briefs.urls`).
"""
