from migrations.runner import run_env
from models.invare import InvareBase

run_env(InvareBase.metadata)
