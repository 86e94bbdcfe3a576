"""The words the formats, the events and the engine share: incident statuses, comms channels, status-page
states and timer categories. Each is defined here only; import it from here, not through another module."""

from __future__ import annotations

from typing import Literal, get_args

# The incident's status, in the only order it moves (sim.engine.incident).
STATUSES = ("quiet", "detected", "acknowledged", "investigating", "identified", "mitigated", "resolved")
# Where `comms.sent` goes; the standard `comms` action offers these (sim.format.catalogue).
COMMS_CHANNELS = ("internal", "status_page", "customers", "executives", "support")
# The states a status-page update may declare.
STATUS_PAGE_STATES = ("investigating", "identified", "monitoring", "resolved")
# The first part of a timer's id (`sla.resolution`, `cadence.internal_update`, `pager`, `matrix.SEV1.1`,
# `trigger.<playbook trigger id>`…).
TimerCategory = Literal["sla", "cadence", "pager", "matrix", "progress", "trigger"]
TIMER_CATEGORIES: tuple[str, ...] = get_args(TimerCategory)
