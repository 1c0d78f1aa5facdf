"""Shared persistence layer: declarative bases, ids, timestamps, sessions, paging and domain errors."""
