"""The embedded broker: kombu's filesystem transport, with each message written whole
before a worker can see it.

kombu's own `_put` opens the message file under its final name, then writes it; a worker
polling the folder can take the file in between and read it empty, and the JSON error that
follows stops the worker (celery/kombu#1551, open). Here the message is written under a name
the workers do not look for (`….msg.part`) and renamed into place: a rename within one
folder is atomic, so a worker sees no file or the whole message. config/celery.py makes it
the transport of every `filesystem://` URL.
"""

import os
import uuid
from time import monotonic

from kombu.transport import filesystem
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: dict, **kwargs) -> None:
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"
        try:
            with open(partial, "wb") as message:
                message.write(dumps(payload).encode())
            os.replace(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(
                f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
