"""Swedish dates: "1 dec. 2026 14:05". ``N`` is the month's abbreviation, which locale/sv gives in the Swedish
style (jan., feb., mars, apr., maj, juni, juli, aug., sep., okt., nov., dec.); ``M`` would print "Dec"."""

DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j N"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
