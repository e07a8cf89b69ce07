"""The ASGI application uvicorn serves (`app.asgi:app`), configured from the environment."""

from app.kit.memory import collect_young_less_often, freeze_startup_objects, tune_malloc
from app.main import create_app

tune_malloc()  # before the worker's first request: see app.kit.memory
app = create_app()
freeze_startup_objects()  # once the application is made: see app.kit.memory
collect_young_less_often()  # and collect less often: see app.kit.memory
