import orjson
from rest_framework.renderers import BaseRenderer


class JSONRenderer(BaseRenderer):
    """orjson: the fastest correct JSON encoder; responses are plain dicts already."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data)
