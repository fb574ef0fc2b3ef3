"""Casework Guide's command line and configuration: `python -m casework --help`."""
