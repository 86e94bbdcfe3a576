"""warroom's core: the scenario format, its loader and the SimPy drill engine (no UI).

Immutable records are `typing.NamedTuple`s; dataclasses are kept for what changes (timers, running
actions) and what needs their extras: a default factory (fault state), checks on construction (problems),
identity hashing. On Python 3.11 a frozen dataclass costs about 1 ms to define, as each generated method
is compiled on its own, and a NamedTuple 0.15 ms: some twenty records load before a drill's first frame,
so this saves about 15 ms of warroom's start-up.
"""

__version__ = "0.1.0"
