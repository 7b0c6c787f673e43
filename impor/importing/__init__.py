"""The import kit every import stands on: readers, value parsing, column recognition,
the report and the run log. The apps above declare their columns and row handlers."""
