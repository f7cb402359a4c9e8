"""The application core: factory, configuration, extensions, people, audit, realtime hub."""

from cabinet.factory import FEATURES, create_app

__all__ = ["FEATURES", "create_app"]
