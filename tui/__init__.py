"""The Textual app and the `warroom` command line."""
