"""MasteryFlow: the platform's executable specification and local toolkit."""

__version__ = "0.1.0"
