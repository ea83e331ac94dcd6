"""In-process benchmark of what an upload costs the web process (no Django, no database).

A phone's photo (12 MP, 4032 × 3024, camera noise so it compresses like a real picture, EXIF
with GPS and an orientation tag) as JPEG and as an iPhone's HEIC: the checks and the clean
re-encode (`photos/domain/images.clean_photo`: verify, orientation, 4096 px cap, JPEG 90), the
Fernet encryption of the result and its decryption, and the 400 px thumbnail the worker makes.
Median and p95 over --runs runs, and the sizes in and out.

    .venv/bin/python bench/photos.py [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WIDTH, HEIGHT = 4032, 3024


def phone_photo(fmt: str) -> bytes:
    import pillow_heif
    from PIL import ExifTags, Image

    pillow_heif.register_heif_opener()
    noise = Image.effect_noise((WIDTH // 4, HEIGHT // 4), 40).resize((WIDTH, HEIGHT))
    image = Image.merge("RGB", (noise, noise.rotate(180), noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "iPhone 15 Pro"
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (51.0, 31.0, 12.0)
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif, quality=90)
    return out.getvalue()


def timed(runs: int, work) -> tuple[list[float], object]:
    timings, result = [], None
    for _ in range(runs):
        t0 = clock.perf_counter()
        result = work()
        timings.append((clock.perf_counter() - t0) * 1000)
    return timings, result


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms"


def main() -> None:
    from cryptography.fernet import Fernet

    from photos.domain.images import Limits, clean_photo, thumbnail

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    limits = Limits(max_bytes=15_000_000, max_pixels=50_000_000, max_edge=4096)
    fernet = Fernet(Fernet.generate_key())
    print(f"{WIDTH} x {HEIGHT} phone photo, {runs} runs each")
    for fmt in ("JPEG", "HEIF"):
        data = phone_photo(fmt)
        timings, clean = timed(runs, lambda data=data: clean_photo(data, limits))
        print(f"{fmt:5} {len(data) / 1e6:5.1f} MB in  clean (check, orient, re-encode) {summary(timings)}")
        token_timings, token = timed(runs, lambda clean=clean: fernet.encrypt(clean.jpeg))
        print(f"      {len(clean.jpeg) / 1e6:5.1f} MB out encrypt                          {summary(token_timings)}")
        back, _ = timed(runs, lambda token=token: fernet.decrypt(token))
        print(f"      {len(token) / 1e6:5.1f} MB stored decrypt (each image view)     {summary(back)}")
        thumbs, small = timed(runs, lambda clean=clean: thumbnail(clean.jpeg))
        print(f"      {len(small) / 1e3:5.1f} kB thumbnail (worker)                   {summary(thumbs)}")


if __name__ == "__main__":
    main()
