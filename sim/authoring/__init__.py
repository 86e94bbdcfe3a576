"""Help for scenario authors beyond validity: the linter (`warroom lint`) and the scaffold (`warroom new`)."""
