"""A small in-process LRU of byte or text strings, bounded by total length (for serialised trend answers)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ByteLRU:
    """Least-recently-used cache of bytes (or str) values, at most `max_bytes` long in all; thread-safe."""

    def __init__(self, *, max_bytes: int, max_item: int) -> None:
        self.max_bytes, self.max_item = max_bytes, max_item
        self._items: OrderedDict[Hashable, bytes | str] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | str | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: bytes | str) -> None:
        if len(value) > self.max_item:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = value
            self._size += len(value)
            while self._size > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)
