"""Index, liveness, readiness and metrics: the platform's operator operations (server/operator.py)."""
from server.operator import handlers_for

get_index, get_liveness, get_readiness, get_metrics = handlers_for(__package__.rsplit(".", 1)[1])
