"""Where the photo files go: a folder under var/ for `make run`, S3-compatible object storage
(django-storages) when PHOTO_STORAGE_BUCKET is set. Read in a fresh process, as the settings
are read from the environment at import; nothing here touches the network."""

from __future__ import annotations

import json

import pytest

from tests.clinic.test_settings import run_python

PROBE = """
import json
import django
django.setup()
from django.core.files.storage import storages
s = storages["photos"]
print(json.dumps({
    "class": f"{type(s).__module__}.{type(s).__name__}",
    "location": str(getattr(s, "location", "")),
    "bucket": getattr(s, "bucket_name", None),
    "endpoint": getattr(s, "endpoint_url", None),
    "region": getattr(s, "region_name", None),
    "acl": getattr(s, "default_acl", None),
    "overwrite": getattr(s, "file_overwrite", None),
    "base_url": getattr(s, "base_url", None),
}))
"""


def photo_storage_with(tmp_path, **env: str) -> dict:
    result = run_python(PROBE, {"CLINIC_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_keeps_photos_under_var_with_no_environment(tmp_path):
    s = photo_storage_with(tmp_path)
    assert s["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert s["location"] == str(tmp_path / "photos")


def test_it_uses_private_s3_compatible_storage_when_a_bucket_is_named(tmp_path):
    s = photo_storage_with(
        tmp_path,
        PHOTO_STORAGE_BUCKET="clinic-photos",
        PHOTO_STORAGE_ENDPOINT_URL="https://objects.example:9000",
        PHOTO_STORAGE_REGION="eu-west-2",
        PHOTO_STORAGE_PREFIX="prod/photos",
        AWS_ACCESS_KEY_ID="test-id",
        AWS_SECRET_ACCESS_KEY="test-secret",
    )
    assert s["class"] == "storages.backends.s3.S3Storage"
    assert (s["bucket"], s["endpoint"], s["region"], s["location"]) == (
        "clinic-photos",
        "https://objects.example:9000",
        "eu-west-2",
        "prod/photos",
    )
    assert s["acl"] == "private" and s["overwrite"] is False


@pytest.mark.django_db
def test_photos_round_trip_through_s3_encrypted(settings, session):
    """The S3 backend itself (django-storages over boto3), against moto's in-process S3: the
    object in the bucket is the Fernet token, private, with no-store caching; the page reads it back."""
    import boto3
    from moto import mock_aws

    from photos.storage import file_read
    from tests.photos.conftest import add_photo
    from tests.photos.images import open_image

    with mock_aws():
        boto3.client("s3", region_name="eu-west-2").create_bucket(
            Bucket="clinic-photos", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        options = {
            "bucket_name": "clinic-photos",
            "location": "photos",
            "region_name": "eu-west-2",
            "default_acl": "private",
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "private, no-store"},
            "access_key": "test-id",
            "secret_key": "test-secret",
        }
        settings.STORAGES = {
            **settings.STORAGES,
            "photos": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        }
        photo = add_photo(session)
        stored = boto3.client("s3", region_name="eu-west-2").get_object(
            Bucket="clinic-photos", Key=f"photos/{photo.file_name}"
        )
        body = stored["Body"].read()
        assert body.startswith(b"gAAAAA") and not body.startswith(b"\xff\xd8")
        assert stored["CacheControl"] == "private, no-store"
        assert open_image(file_read(photo.file_name)).format == "JPEG"
