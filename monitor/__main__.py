"""`python -m monitor` is the `netra` command."""

from monitor.cli import main

main()
