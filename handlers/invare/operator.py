"""Index (with the reference's greeting), liveness, readiness and metrics: the platform's operator operations."""
from server.operator import handlers_for

get_index, get_liveness, get_readiness, get_metrics = handlers_for(__package__.rsplit(".", 1)[1])
