"""The application's settings with bench/throughput_urls.py's URLs (the bare insert endpoint)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "throughput_urls"
