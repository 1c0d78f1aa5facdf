"""Invare's operation handlers: ``operationId: <area>.<function>`` → ``handlers.invare.<area>.<function>``."""
