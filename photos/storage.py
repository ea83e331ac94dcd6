"""The photos' files: Fernet-encrypted bytes under random names, through Django's storage API.

The keys are the encrypted fields' (FIELD_ENCRYPTION_KEYS, clinic/fields.py), so one rotation
covers both: the first key encrypts, every key decrypts, and `manage.py rotate_encryption_keys`
rewrites each file with the first key (photo_files_rotate, registered in PhotosConfig.ready).
A file is only ever deleted after the transaction that dropped its row has committed, so a
rollback never leaves a row pointing at nothing.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable

from cryptography.fernet import InvalidToken
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction

from clinic.fields import DecryptionError, keyring
from photos.models import Photo

logger = logging.getLogger(__name__)


def photo_storage() -> Storage:
    return storages["photos"]


def file_write(data: bytes) -> str:
    """Encrypt and store; returns the storage name (random: it says nothing about the patient)."""
    return _save_token(keyring().encrypt(data))


def file_read(name: str) -> bytes:
    with photo_storage().open(name, "rb") as handle:
        token = handle.read()
    try:
        return keyring().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("A photo file could not be decrypted with any key in FIELD_ENCRYPTION_KEYS") from exc


def files_delete_after_commit(names: Iterable[str]) -> None:
    names = [name for name in names if name]

    def delete() -> None:
        storage = photo_storage()
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # the rows are gone; a leftover encrypted file names nobody
                logger.warning("could not delete a photo file after its row", exc_info=True)

    transaction.on_commit(delete)


def photo_files_rotate(*, batch_size: int = 500) -> int:
    """Rewrite every photo file (and thumbnail) with the first key; returns how many photos.
    Each photo under its row lock in its own transaction: re-running after an interruption
    finishes the job (every run rewrites every file, whichever key it had)."""
    done, last_pk = 0, 0
    while True:
        ids = list(Photo.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        for pk in ids:
            with transaction.atomic():
                photo = Photo.objects.select_for_update().filter(pk=pk).first()
                if photo is None:
                    continue
                old = [photo.file_name, photo.thumbnail_name]
                photo.file_name = _rewrite(photo.file_name)
                photo.thumbnail_name = _rewrite(photo.thumbnail_name) if photo.thumbnail_name else ""
                photo.save(update_fields=["file_name", "thumbnail_name"])
                files_delete_after_commit(old)
            done += 1
        last_pk = ids[-1]


def _rewrite(name: str) -> str:
    with photo_storage().open(name, "rb") as handle:
        token = handle.read()
    try:
        rotated = keyring().rotate(token)
    except InvalidToken as exc:
        raise DecryptionError("A photo file could not be decrypted with any key in FIELD_ENCRYPTION_KEYS") from exc
    return _save_token(rotated)


def _save_token(token: bytes) -> str:
    name = f"{secrets.token_hex(2)}/{secrets.token_hex(16)}.fernet"
    return photo_storage().save(name, ContentFile(token))
