"""operationId -> handler, relative to ``handlers.<product>``.

An operation may name its handler with ``x-handler`` when several operations share one (Looking's
``find``/``list`` routes with optional path segments are nine operations each, one function); the
operation keeps its own operationId for routing."""
from connexion.resolver import RelativeResolver, Resolution


class HandlerResolver(RelativeResolver):
    def resolve(self, operation):
        operation_id = super().resolve_operation_id(operation)
        handler = operation._operation.get("x-handler")
        target = f"{self.root_path}.{handler}" if handler else operation_id
        return Resolution(self.resolve_function_from_operation_id(target), operation_id)
