from migrations.runner import run_env
from models.looking import LookingBase

run_env(LookingBase.metadata)
