from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "photos"

    def ready(self) -> None:
        from clinic.rotation import rotation_register
        from photos.storage import photo_files_rotate

        # `manage.py rotate_encryption_keys` re-encrypts the photo files with the fields.
        rotation_register("photos.Photo files", photo_files_rotate)
