"""Text messages, with swappable backends in the manner of Django's email backends.

`SMS_BACKEND` names the class: ConsoleBackend (the default: prints, for development),
FileBackend (appends to var/sms/<date>.log), LocmemBackend (collects into `clinic.sms.outbox`,
for tests). A production gateway is one more class with a `send(to, text)` method that raises
`SMSError` when the gateway refuses or is unreachable; the outbox retries those.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "clinic.sms.ConsoleBackend"


class SMSError(Exception):
    """The message could not be sent now (gateway down, refused, timed out): worth retrying."""


@dataclass(frozen=True)
class SMS:
    to: str
    text: str


# LocmemBackend's messages, like django.core.mail.outbox; tests clear it.
outbox: list[SMS] = []


class BaseBackend:
    def send(self, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    _lock = threading.Lock()

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, to: str, text: str) -> None:
        stream = self.stream or sys.stdout
        with self._lock:
            stream.write(f"SMS to {to}\n{text}\n{'-' * 40}\n")
            stream.flush()


class FileBackend(BaseBackend):
    """One file per UTC day under VAR_DIR/sms, appended to."""

    _lock = threading.Lock()

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory else Path(settings.VAR_DIR) / "sms"

    def send(self, to: str, text: str) -> None:
        now = timezone.now()
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.directory / f"{now:%Y-%m-%d}.log", "a", encoding="utf-8") as log:
            log.write(f"{now.isoformat()} to {to}\n{text}\n{'-' * 40}\n")


class LocmemBackend(BaseBackend):
    def send(self, to: str, text: str) -> None:
        outbox.append(SMS(to=to, text=text))


def get_backend(path: str | None = None) -> BaseBackend:
    return import_string(path or getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()


def send_sms(to: str, text: str) -> None:
    if not to.strip():
        raise ValueError("an SMS needs a phone number")
    get_backend().send(to, text)
