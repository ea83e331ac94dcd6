"""The reports' queries: one module per figure family, every figure an SQL aggregation.

Each `<family>_report(scope=...)` returns a domain.figures.Report in a fixed number of queries
whatever the range (see each module's docstring for the count).
"""
