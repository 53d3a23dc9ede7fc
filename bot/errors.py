"""The one-line error an operator fixes (a setting, a database file, a full disk): the CLI prints
it and exits with status 2. Every layer may raise it; it imports nothing."""


class SettingsError(Exception):
    """A problem worded for the operator, in one line."""
