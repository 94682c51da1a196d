"""Errors a researcher can act on: one line, naming the file and the problem."""


class PresslensError(Exception):
    """Base class; the command line prints its message without a traceback."""


class InputError(PresslensError):
    """An input file or corpus row that cannot be read as an article."""

    def __init__(self, source: object, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class ConfigError(PresslensError):
    """A malformed configuration file (parties, lexicon extension, ...)."""
