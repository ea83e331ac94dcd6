"""Model fields that keep clinical free text encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256).

Built on jazzband's django-fernet-encrypted-fields (`EncryptedFieldMixin`), with four departures,
each for a reason found in its source (0.4.0):

- Keys. The library derives its keys from SECRET_KEY + SALT_KEY, so changing SECRET_KEY would
  make every encrypted row unreadable. Ours are explicit Fernet keys from FIELD_ENCRYPTION_KEYS
  (newest first: the first encrypts, every one decrypts), so rotation is "put the new key first,
  run `manage.py rotate_encryption_keys`, drop the old key".
- A value no key can decrypt raises DecryptionError. The library hands back the ciphertext as if
  it were the text, which would show a lost key as garbage on a patient's record.
- Only values read from the database are decrypted (`from_db_value`). The library also decrypts
  in `to_python` and guards form cleaning with a flag set on the shared field instance, which is
  not safe across threads.
- JSON is serialised whole and encrypted as one text. The library's EncryptedJSONField encrypts
  each leaf as a string, so `False` comes back as the truthy "False".

The column is plain text, so the database can neither search nor index what is inside: every
lookup except `isnull` is refused rather than silently matching nothing.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.lookups import IsNull
from encrypted_fields.fields import EncryptedFieldMixin


class DecryptionError(Exception):
    """A stored value that no key in FIELD_ENCRYPTION_KEYS opens (a key was dropped too early?)."""


@functools.cache
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def keyring() -> MultiFernet:
    """The current keys, read from settings on each call (so override_settings and rotation work)."""
    keys = tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) or ())
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: encrypted fields need at least one key.")
    return _keyring(keys)


def encrypt_text(text: str) -> str:
    return keyring().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str, *, where: str = "") -> str:
    try:
        return keyring().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        # Never include the stored value: it may be plaintext written before encryption.
        raise DecryptionError(
            f"{where or 'An encrypted field'} could not be decrypted with any key in FIELD_ENCRYPTION_KEYS"
        ) from exc


class EncryptedMixin(EncryptedFieldMixin):
    """Stores `encrypt_text(self.serialise(value))` in a text column; None stays NULL."""

    # The library's key handling, pointed at FIELD_ENCRYPTION_KEYS (properties, not cached per field).
    @property
    def keys(self) -> list[bytes]:
        return [key.encode("ascii") for key in settings.FIELD_ENCRYPTION_KEYS]

    @property
    def f(self) -> MultiFernet:
        return keyring()

    def serialise(self, value: Any) -> str:
        raise NotImplementedError

    def deserialise(self, text: str) -> Any:
        raise NotImplementedError

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return encrypt_text(self.serialise(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self.deserialise(decrypt_text(value, where=f"{self.model._meta.db_table}.{self.column}"))

    def to_python(self, value: Any) -> Any:
        # Values reaching here come from forms, fixtures or Python code: never ciphertext.
        return value

    def clean(self, value: Any, model_instance: Any) -> Any:
        # Skip the library's clean, which sets a flag on this (shared) field instance.
        return super(EncryptedFieldMixin, self).clean(value, model_instance)

    def get_lookup(self, lookup_name: str) -> Any:
        # Random IVs: an `exact` or `contains` on ciphertext would silently match nothing.
        return IsNull if lookup_name == "isnull" else None

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text, encrypted. An empty text is stored as "" (not NULL) so NOT NULL columns keep working."""

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        value = str(value)
        # The empty string tells nothing a Fernet token's length would not; keeping it plain
        # lets a blank=True, NOT NULL column hold "no notes" (the library turns "" into NULL).
        return super().get_prep_value(value) if value else ""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return super().from_db_value(value, expression, connection) if value else value

    def to_python(self, value: Any) -> Any:
        return models.TextField.to_python(self, value)

    def serialise(self, value: Any) -> str:
        return str(value)

    def deserialise(self, text: str) -> str:
        return text


class EncryptedJSONField(EncryptedMixin, models.Field):
    """Any JSON value, dumped whole and encrypted as one text: it loads back exactly (types included)."""

    def serialise(self, value: Any) -> str:
        # allow_nan=False: NaN and Infinity are not JSON (PostgreSQL's jsonb refused them too).
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))

    def deserialise(self, text: str) -> Any:
        return json.loads(text)

    def value_to_string(self, obj: models.Model) -> Any:
        # dumpdata writes the value itself (not ciphertext), as for a JSONField.
        return self.value_from_object(obj)

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})
