"""Column names of the engine's frames, declared once.

The engine turns an :class:`~programming.engine.instance.Instance` into a few pandas
frames (one row per work, one row per cost entry, one row per KPI figure). Every module
refers to their columns through these names, so a rename happens here and nowhere else.
"""

# One row per work (frames.works_frame), in the order of Instance.works.
KEY = "key"
KIND = "kind"
LABEL = "label"
AREA = "area"
STREET = "street"
GEOMETRY = "geometry"
WINDOW_START = "window_start"
WINDOW_END = "window_end"
PREFERRED_YEAR = "preferred_year"
EARLIEST = "earliest"  # first permitted start year: window start or first allowed year
LATEST = "latest"  # last permitted start year
MUST_DO = "must_do"
OPENS_STREET = "opens_street"
RECONSTRUCTS_STREET = "reconstructs_street"
CERTAINTY = "certainty"
VALUE = "value"
CONDITION = "condition"
REMAINING_LIFE = "remaining_life"
RISK = "risk"
AMBITION_WEIGHT = "ambition_weight"
SOCIAL_PRIORITY = "social_priority"
THEMES = "themes"
OWNER = "owner"
TOTAL_COST = "total_cost"
DURATION = "duration"

# Added by the later stages to the works frame.
SCORE = "score"
SCHEDULING_VALUE = "scheduling_value"
SOLO_VALUE = "solo_value"
CLUSTER = "cluster"
SCHEDULED_YEAR = "scheduled_year"

# One row per cost entry (frames.costs_frame): a work pays AMOUNT on BUDGET_LINE,
# OFFSET years after it starts.
WORK = "work"
BUDGET_LINE = "budget_line"
OFFSET = "offset"
AMOUNT = "amount"
YEAR = "year"

# One row per KPI figure (kpis.compute_kpis).
CODE = "code"
THEME = "theme"

# The criteria of the assessment framework; they are also the columns of the score
# breakdown. The codes equal programming.choices.CriterionCode (the engine cannot import it).
URGENCY = "urgentie"
RISK_CRITERION = "risico"
AMBITION = "ambitie"
SOCIAL = "sociaal"
COUPLING = "koppeling"
COST = "kosten"
CERTAINTY_CRITERION = "zekerheid"
CRITERIA = (URGENCY, RISK_CRITERION, AMBITION, SOCIAL, COUPLING, COST, CERTAINTY_CRITERION)
