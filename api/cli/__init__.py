"""The `corral` command line, and the demo data it loads."""
