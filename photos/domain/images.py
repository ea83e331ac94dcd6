"""Checking and cleaning an uploaded photograph (pure: bytes in, bytes out; Pillow, no Django).

Every upload is decoded and re-encoded as a fresh JPEG from its pixels, so nothing of the
original file survives: no EXIF (GPS position, camera and phone model, serial numbers, the time
with its zone), no XMP or IPTC, no embedded thumbnail that may show the uncropped picture. The
camera's orientation tag is applied to the pixels first, so the picture stands as it was taken.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# iPhones save HEIC unless "Most compatible" is chosen in the camera settings: read it like any
# other photo with pillow-heif (pinned; its wheels bundle libheif). Where it cannot be installed
# the upload still says what to do rather than "not an image".
try:
    import pillow_heif
except ImportError:  # pragma: no cover - the pinned wheel installs on the platforms we run on
    pillow_heif = None
HEIF_READABLE = pillow_heif is not None
if pillow_heif is not None:
    pillow_heif.register_heif_opener()
HEIC_UNSUPPORTED = (
    "iPhone HEIC photos are not supported here: choose 'Most compatible' in the camera settings "
    "(Settings > Camera > Formats) and take the photo again."
)
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1")

# What phones and cameras produce (MPO: a JPEG with a second frame, as some Android phones write).
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF"})
JPEG_QUALITY = 90
THUMBNAIL_EDGE = 400


class PhotoRejected(ValueError):
    """The upload is not a photograph we keep; the message says why, in words for the practitioner."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    max_edge: int


@dataclass(frozen=True)
class CleanPhoto:
    jpeg: bytes
    width: int
    height: int
    source_format: str


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_size(size: int, limits: Limits) -> None:
    """Before anything is read: a file over the cap is refused from its declared size."""
    if size > limits.max_bytes:
        raise PhotoRejected(
            f"This file is {_megabytes(size)}; photos may be at most {_megabytes(limits.max_bytes)}. "
            "Take it again at a lower resolution, or resize it first."
        )
    if size == 0:
        raise PhotoRejected("The file is empty: choose the photo again.")


def clean_photo(data: bytes, limits: Limits) -> CleanPhoto:
    """The photo as we store it: oriented, at most `max_edge` pixels on its long side, metadata-free JPEG."""
    check_size(len(data), limits)
    image, fmt = _open_checked(data, limits)
    try:
        # Orientation first, then convert: exif_transpose reads the tag that conversion drops.
        image = ImageOps.exif_transpose(image)
        image = _to_rgb(image)
        image.thumbnail((limits.max_edge, limits.max_edge), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        # No exif=, no icc_profile beyond sRGB's default: the new file carries pixels only.
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (OSError, ValueError, SyntaxError) as exc:  # a truncated or corrupt file found while decoding
        raise PhotoRejected("This image is damaged and cannot be read: take or choose it again.") from exc
    return CleanPhoto(jpeg=out.getvalue(), width=image.width, height=image.height, source_format=fmt)


def thumbnail(jpeg: bytes, edge: int = THUMBNAIL_EDGE) -> bytes:
    """A small JPEG of an already cleaned photo, for timelines and lists."""
    with Image.open(io.BytesIO(jpeg)) as image:
        image = _to_rgb(image)
        image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=80, optimize=True)
    return out.getvalue()


def _open_checked(data: bytes, limits: Limits) -> tuple[Image.Image, str]:
    if not HEIF_READABLE and data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        raise PhotoRejected(HEIC_UNSUPPORTED)
    try:
        with warnings.catch_warnings():
            # Our own pixel cap decides (below); Pillow's bomb warning must not leak into logs.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            fmt = probe.format or ""
            width, height = probe.size
            if fmt in ACCEPTED_FORMATS and width * height <= limits.max_pixels:
                probe.verify()  # structure and checksums, without decoding the pixels
    except Image.DecompressionBombError as exc:
        raise _bomb() from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise PhotoRejected("This file is not a photo we can read. Choose a JPEG, PNG, WebP or HEIC picture.") from exc
    if fmt not in ACCEPTED_FORMATS:
        raise PhotoRejected(f"{fmt or 'This'} images are not accepted. Choose a JPEG, PNG, WebP or HEIC picture.")
    if width * height > limits.max_pixels:
        raise _bomb(width, height)
    # verify() leaves the image unusable: open it again to decode, now that its size is known safe.
    image = Image.open(io.BytesIO(data))
    # A process-wide switch any library may flip (WeasyPrint does, on import): with it on, Pillow
    # fills a truncated file's missing pixels with grey and the damaged photo would be kept.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    except (OSError, ValueError, SyntaxError) as exc:
        raise PhotoRejected("This image is damaged and cannot be read: take or choose it again.") from exc
    return image, fmt


def _bomb(width: int = 0, height: int = 0) -> PhotoRejected:
    size = f" ({width} × {height} pixels)" if width else ""
    return PhotoRejected(
        f"This image is far larger than any photo{size}: it would take too much memory to open, so it is refused."
    )


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "P"):
        # Transparent areas become white rather than black.
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
