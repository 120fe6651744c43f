"""Coverage of the 90% bootstrap band per (n, B), written by `python -m coursepkg.widgets.coverage`."""

TABLE_N = (10, 20, 40, 80, 160)
TABLE_B = (10, 25, 50, 100, 200, 400)
TABLE_EXPERIMENTS = 30
TABLE_SEED = 8

COVERAGE_TABLE = ()
