"""OGC API Features (Part 1 Core, GeoJSON; Part 2 CRS by reference) under /api/v1/ogc.

`collections` holds what one feature collection is (`Collection`) and how the apps
announce theirs (`OGC_COLLECTIONS` in the settings, read by `collections_for`); the views,
the paging, the CRS and the filters live beside it. docs/api.md tells GIS users how to
connect.
"""
