"""warroom's core: the scenario format, its loader and the SimPy drill engine (no UI).

Immutable records, events included, are `typing.NamedTuple`s; dataclasses are kept for what changes
(timers, running actions) and what needs their extras: a default factory (fault state), checks on
construction (problems), identity hashing. Why: docs/decisions/0002-namedtuple-records.md
"""

__version__ = "0.1.0"
