"""Identifier generators.

Diora and Looking expose 24-hex ObjectId-style ids (their clients were written against MongoDB);
Ionora and Invare use UUIDs.
"""
import itertools
import os
import re
import threading
import time

_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
_counter = itertools.count(int.from_bytes(os.urandom(3), "big"))
_lock = threading.Lock()
_PROCESS_RANDOM = os.urandom(5)


def new_object_id():
    """A MongoDB-compatible ObjectId: 4-byte seconds, 5 random bytes per process, 3-byte counter."""
    with _lock:
        count = next(_counter) & 0xFFFFFF
    return (int(time.time()).to_bytes(4, "big") + _PROCESS_RANDOM + count.to_bytes(3, "big")).hex()


def is_object_id(value):
    return isinstance(value, str) and bool(_OBJECT_ID.match(value))
