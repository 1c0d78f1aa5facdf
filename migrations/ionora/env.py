from migrations.runner import run_env
from models.ionora import IonoraBase

run_env(IonoraBase.metadata)
