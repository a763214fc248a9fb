"""Run the command line as ``python -m lithiumgraph``."""

from lithiumgraph.cli import main

main()
