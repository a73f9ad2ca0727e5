"""The embedded broker (config/broker.py): a message is only ever seen whole."""

import json
import os
from pathlib import Path

from kombu import Connection

from config.broker import Transport


def _connection(folder) -> Connection:
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder),
               "control_folder": str(folder / "control"), "store_processed": False}
    (folder / "control").mkdir()
    return Connection(transport=Transport, transport_options=options)


def test_a_message_is_renamed_into_the_queue_whole(tmp_path):
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("jobs")
        queue.put({"task": "x", "args": [1, 2]})

        names = [name for name in os.listdir(tmp_path) if name != "control"]
        assert len(names) == 1 and names[0].endswith(".jobs.msg")
        message = queue.get(timeout=1)
        assert message.payload == {"task": "x", "args": [1, 2]}
        message.ack()
        queue.close()


def test_the_message_is_whole_before_it_takes_its_queue_name(tmp_path, monkeypatch):
    # what a polling worker could see at the moment the message gets its final name
    seen = []
    real_replace = os.replace

    def replace(source, target):
        seen.append((sorted(name for name in os.listdir(tmp_path) if name.endswith(".msg")),
                     Path(source).read_bytes()))
        real_replace(source, target)

    monkeypatch.setattr("config.broker.os.replace", replace)
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("whole")
        queue.put({"task": "y"})
        queue.close()

    [(visible, written)] = seen
    assert visible == []  # nothing under a queue's name until then
    assert json.loads(written)["properties"]["delivery_info"]["routing_key"] == "whole"


def test_a_message_still_being_written_is_not_taken(tmp_path):
    # a writer is between open and rename: its partial file is in the folder, empty
    (tmp_path / "1_abc.pending.msg.part").write_bytes(b"")
    with _connection(tmp_path) as connection:
        # (kombu keeps a transport's bindings per class: a queue name of this test's own)
        queue = connection.SimpleQueue("pending")
        queue.put({"n": 1})

        message = queue.get(timeout=1)
        assert message.payload == {"n": 1}
        message.ack()
        assert (tmp_path / "1_abc.pending.msg.part").exists()
        queue.close()


def test_the_embedded_brokers_url_takes_this_transport():
    from config.celery import app

    with app.connection_for_write("filesystem://localhost/") as connection:
        assert isinstance(connection.transport, Transport)
