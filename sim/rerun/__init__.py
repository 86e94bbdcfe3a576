"""Journals back into drills by re-running their inputs through the engine: to resume an unfinished drill,
and to review a drill as it stood at any sim time."""
