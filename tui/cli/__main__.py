"""`python -m tui.cli`: the `warroom` command, as `warroom serve` starts it for each browser tab (with the server's
own Python, so a tab runs the warroom the server was installed with)."""

from tui.cli import main

main(prog_name="warroom")
