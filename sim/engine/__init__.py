"""The SimPy engine: `drill.Drill` and the parts it is made of (metrics, faults, injects, timers, actions,
the incident, the cast), the read-only state it hands out and what the facilitator sees. Imports sim.journal.jsonl
and sim.format."""
