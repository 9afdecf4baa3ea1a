"""The test run's settings: the app's, with the benchmark's app installed (its data builder and
`load_bench` are tested here)."""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
