"""Reading settings from the environment: a malformed value stops the start with its name."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


_DEV_FIELD_ENCRYPTION_KEY = "FFJko_sqLJfW2S-04s6Y6C0fUpv5-JgFxq0d5DNZ1P4="  # noqa: S105 - refused when DEBUG=0


def field_encryption_keys(*, debug: bool) -> list[str]:
    """FIELD_ENCRYPTION_KEYS: Fernet keys, newest first (clinic/fields.py). The first encrypts, all
    of them decrypt; `manage.py rotate_encryption_keys` re-encrypts every row with the first.
    Independent of SECRET_KEY, which can then change without losing any record."""
    from cryptography.fernet import Fernet

    keys = env_list("FIELD_ENCRYPTION_KEYS", [])
    if not keys:
        if not debug:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS must be set when DJANGO_DEBUG=0 (comma-separated Fernet keys, newest first)"
            )
        keys = [_DEV_FIELD_ENCRYPTION_KEY]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            # Say which one, never echo it: it is a secret.
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from None
    if not debug and keys[0] == _DEV_FIELD_ENCRYPTION_KEY:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS: the development key cannot encrypt when DJANGO_DEBUG=0")
    return keys


def photo_storage(var_dir: Path) -> dict:
    """Where the (encrypted) photo files go: S3-compatible object storage when PHOTO_STORAGE_BUCKET
    is set (django-storages; credentials from boto3's own environment variables, AWS_ACCESS_KEY_ID
    and AWS_SECRET_ACCESS_KEY, or the instance's role), else a folder under var/. Never a public
    URL: the files are only read back by the access-checked photo views."""
    bucket = os.environ.get("PHOTO_STORAGE_BUCKET", "")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(var_dir / "photos"), "file_permissions_mode": 0o600},
        }
    options = {
        "bucket_name": bucket,
        "location": os.environ.get("PHOTO_STORAGE_PREFIX", "photos"),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    for option, name in (("endpoint_url", "PHOTO_STORAGE_ENDPOINT_URL"), ("region_name", "PHOTO_STORAGE_REGION")):
        if os.environ.get(name):
            options[option] = os.environ[name]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def database_tune(database: dict) -> None:
    """Per-engine options for the default database (settings.py stays under its line limit)."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif database["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: the clinic's queries are short, and the reports' aggregations over a year are
        # costed high enough to trigger it: it then spends ~450 ms compiling a 250 ms query
        # (bench/reports.py).
        database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
