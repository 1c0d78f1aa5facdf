"""Web shell: builds each product's Connexion app, its configuration, security, errors and CLI."""
import warnings

# Connexion imports Starlette's test client at start-up, which warns about httpx; nothing served uses it.
# Here, so that every process (the CLI, each worker, ``uvicorn --factory server.asgi:...``) is quiet.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
