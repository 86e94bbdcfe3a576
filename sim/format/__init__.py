"""The file formats and how they are read: the record classes (`model`), playbooks, scenarios and solution
scripts, the standard action catalogue, the safe YAML reader, the loader and its checks, the JSON Schemas, and
the library that finds content. The lowest room: it imports nothing else of sim."""
