"""The app's settings plus the benchmark's app: its data builder (`manage.py load_bench`) and its two
reference probes (bench/urls.py). bench/run uses them for every manage.py call and for gunicorn; the
app itself never does."""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
