"""govrules: Chinese government regulations as layered, citable rules."""

from govrules.errors import CalendarError, FactsError, GovrulesError, PolicyError

__all__ = ["CalendarError", "FactsError", "GovrulesError", "PolicyError"]
