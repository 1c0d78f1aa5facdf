"""Ionora's operations, one function per operationId (``<area>.<function>``)."""
