"""The drill screen's widgets: each renders one part of a DrillState and never touches the engine."""
