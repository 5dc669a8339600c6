"""English dates as the product writes them: day first, 24-hour clock ("1 Dec 2026, 14:05"), never the US default
("Dec. 1, 2026, 2:05 p.m."). Templates name these formats (``|date:"DATETIME_FORMAT"``) instead of spelling one out."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
