"""`python -m clausetrace` runs the CLI."""

from clausetrace.cli import main

main()
