"""Grading a drill record against the playbook's SLAs, and the debrief reports."""
