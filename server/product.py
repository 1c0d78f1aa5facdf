"""What a product plugs into the shared app factory."""
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

import migrations
import openapi


@dataclass
class Product:
    name: str
    title: str
    port: int
    base_path: str
    database: object                      # models.session.Database
    render_error: Callable                # ApiError -> dict
    authorize: Callable | None = None     # (token_info, needed) -> AuthProblem | None
    rate_rules: tuple = ()
    trailing_slash: bool = False          # True: /x/ is routed as /x for every spec path (Diora's clients)
    configure: Callable | None = None     # (app, settings) -> None: integrations, extra routes
    seed: Callable | None = None          # (session, settings) -> list of (who, username, password)
    create_admin: Callable | None = None  # (session, username, email, password) -> object
    jobs: tuple = ()                      # server.jobs.Job: periodic work, run by serve and the CLI
    warm_up: Callable | None = None       # () -> None: slow first-use work, done at start-up in each worker
    realtime: object | None = None        # server.realtime.Realtime: Socket.IO at /socket.io/ on the same port
    index_extra: dict = field(default_factory=dict)  # fields the reference gives the base URL's index (GET /)
    runtime: SimpleNamespace = field(default_factory=SimpleNamespace)  # settings, limiter, integrations

    @property
    def spec_path(self):
        return openapi.spec_path(self.name)

    @property
    def migrations_dir(self):
        return migrations.script_location(self.name)

    @property
    def handlers_package(self):
        return f"handlers.{self.name}"
