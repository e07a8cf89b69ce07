"""Vietnamese for the messages row checks produce: the API's own catalogue, so a rule broken
by a spreadsheet row reads the same as when it is broken by a JSON request."""

from app.kit.messages import vietnamese

__all__ = ["vietnamese"]
