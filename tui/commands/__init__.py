"""One module per `warroom` subcommand; tui.cli loads each only when it is called."""
