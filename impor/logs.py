"""The JSON log line of IMPOR, shared by Django's LOGGING and gunicorn.conf.py: one JSON
object per line on stdout with time (ISO 8601, UTC), level, logger and message, plus any
`extra` fields (a request's method, path, status and duration_ms)."""

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s",
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": "time",
}
