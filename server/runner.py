"""Serving: run products' ASGI apps under uvicorn, one process or several workers per product."""
import asyncio
import multiprocessing

import uvicorn


def serve(products, *, host, port=None, workers=1):
    """Serve ``products`` (already migrated) until interrupted; returns the exit status."""
    configs = [
        dict(app=f"server.asgi:{p.name}", factory=True, host=host, port=port or p.port,
             workers=workers, access_log=False, log_level="info")
        for p in products
    ]
    if workers > 1:
        processes = [multiprocessing.Process(target=uvicorn.run, kwargs=c, daemon=False) for c in configs]
        for process in processes:
            process.start()
        try:
            for process in processes:
                process.join()
        except KeyboardInterrupt:
            pass
        return 0

    async def run_all():
        servers = [uvicorn.Server(uvicorn.Config(**c)) for c in configs]
        await asyncio.gather(*(s.serve() for s in servers))

    try:
        asyncio.run(run_all())
    except KeyboardInterrupt:
        pass
    return 0
