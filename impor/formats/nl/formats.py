"""Dutch formats for IMPOR, as a municipality writes them: 1 januari 2026, 1.234.567,89.

Django's own Dutch formats group thousands only when asked; a programme of millions
must read at a glance, so grouping is always on (with USE_THOUSAND_SEPARATOR).
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d-m-Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d-%m-%y", "%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
