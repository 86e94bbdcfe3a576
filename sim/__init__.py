"""warroom's core: the scenario format, its loader and the SimPy drill engine (no UI)."""

__version__ = "0.1.0"
