"""The app's settings plus the benchmark's two reference probes (bench/urls.py). Only bench/run's
gunicorn uses them; the app and its tests never do."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
