"""What `manage.py rotate_encryption_keys` re-encrypts besides the encrypted fields.

clinic is the ground floor and may not import the apps above it, so an app whose data is
encrypted outside model fields (the photos' files) registers its own re-encryption here, in its
AppConfig.ready(); the command runs every registered one after the fields.
"""

from __future__ import annotations

from collections.abc import Callable

Rotator = Callable[..., int]  # (batch_size=...) -> how many were re-encrypted
_rotators: dict[str, Rotator] = {}


def rotation_register(label: str, rotate: Rotator) -> None:
    _rotators[label] = rotate


def rotations() -> list[tuple[str, Rotator]]:
    return sorted(_rotators.items())
