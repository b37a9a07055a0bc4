"""The plugin's migrations as version 0.1 shipped them (copied from the release, unchanged):
tests/demo/test_upgrade.py makes a database with them, as `make run` made it then, and
checks that today's migrations upgrade it with nothing lost."""
