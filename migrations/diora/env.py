from migrations.runner import run_env
from models.diora import DioraBase

run_env(DioraBase.metadata)
