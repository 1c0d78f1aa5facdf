"""Operation-level permissions declared in the spec.

An operation lists what it needs under ``x-permissions`` (e.g. ``[manage]``). This middleware runs
after security (so the token is known) and before request validation (so a caller without the right
gets 403 whatever the body), and asks the product's ``authorize(token_info, needed)``.
"""
from connexion.middleware.abstract import RoutedAPI, RoutedMiddleware
from connexion.middleware.security import SecurityMiddleware

from server.errors import AuthProblem


class PermissionOperation:
    def __init__(self, next_app, needed, authorize):
        self.next_app = next_app
        self.needed = tuple(needed)
        self.authorize = authorize

    async def __call__(self, scope, receive, send):
        if self.needed:
            token_info = scope.get("extensions", {}).get("connexion_context", {}).get("token_info") or {}
            problem = self.authorize(token_info, self.needed)
            if problem is not None:
                raise problem
        await self.next_app(scope, receive, send)


def permission_middleware(authorize):
    """Build the middleware class for one product's ``authorize`` function."""

    class PermissionAPI(RoutedAPI):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.add_paths()

        def make_operation(self, operation):
            needed = operation._operation.get("x-permissions", ())
            return PermissionOperation(self.next_app, needed, authorize) if needed else self.next_app

    class PermissionMiddleware(RoutedMiddleware):
        api_cls = PermissionAPI

    return PermissionMiddleware


def forbidden(message, details=None):
    return AuthProblem(403, "permission", message, details)


def after_security(middlewares, middleware):
    index = middlewares.index(SecurityMiddleware) + 1
    return middlewares[:index] + [middleware] + middlewares[index:]
