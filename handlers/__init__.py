"""Thin request handlers, one package per product; operationIds resolve to functions here."""
