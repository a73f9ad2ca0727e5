from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ApiConfig(AppConfig):
    name = "api"

    def ready(self) -> None:
        from api import schema  # noqa: F401 - registers the OpenAPI extensions

        # Every app's wire (`<app>/api.py` or `<app>/api/`): its serializers register as the
        # renderers the domain's events and errors use (core.wire), in web and worker alike.
        autodiscover_modules("api")

        from api.errors import api_error_from_domain
        from core.wire import error_renderer_register

        error_renderer_register(lambda exc: api_error_from_domain(exc).body()["error"])
