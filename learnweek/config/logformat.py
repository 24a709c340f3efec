"""The one shape of a JSON log line, shared by the application's LOGGING (settings.py) and
gunicorn's (gunicorn.conf.py, which loads before Django): time, level, logger, message."""

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}
