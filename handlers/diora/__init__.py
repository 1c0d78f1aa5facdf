"""Diora: handlers per area (``operationId: <area>.<function>`` → ``handlers.diora.<area>.<function>``)."""
