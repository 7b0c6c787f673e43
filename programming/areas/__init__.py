"""The area page (anatomy of an area) and the villages overview.

They combine the area (impor), its tasks (stakeholders), its assets, its projects and the
computed programme, so they live in the top layer. Their routes join impor's area
register in the `areas` namespace (`programming.areas.urls`).
"""
