"""Looking's handlers."""
