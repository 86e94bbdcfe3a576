"""What a drill leaves behind: the event kinds, the drill record (header and events), the JSONL journal file,
and finding again the scenario and playbook a journal names. Imports only sim.format."""
