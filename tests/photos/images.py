"""Pictures made in the tests with Pillow: a phone's JPEG (GPS, camera, orientation), an image
bomb, a HEIC from an iPhone, and things that are not pictures."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import ExifTags, Image

GPS_LATITUDE = (51.0, 31.0, 12.0)


def phone_jpeg(size: tuple[int, int] = (60, 40), colour: str = "red", *, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: make, model, GPS position and an orientation tag (6: the
    camera was turned, the pixels stored sideways)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 15 Pro"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 9.0, 3.0)
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    """Half of a real photo's file: the header reads, the pixels run out (an interrupted upload)."""
    out = io.BytesIO()
    Image.effect_noise((400, 300), 64).convert("RGB").save(out, format="JPEG")
    return out.getvalue()[: len(out.getvalue()) // 2]


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height: decoding it would take gigabytes."""
    out = io.BytesIO()
    Image.new("L", (8, 8)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    # IHDR starts after the 8-byte signature and the chunk's length (4) and type (4).
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def iphone_heic(size: tuple[int, int] = (64, 48)) -> bytes:
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, format="HEIF")
    return out.getvalue()


def open_image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))
