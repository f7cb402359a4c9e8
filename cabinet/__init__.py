"""The application core: factory, configuration, extensions, people, audit, realtime hub."""

import warnings

from cryptography.utils import CryptographyDeprecationWarning

# cryptography 51 deprecates DSA and warns whenever pyHanko imports its DSA key type (every
# start and every CLI command printed it). The app never loads a DSA key; excused for pyHanko's
# import only (tests: the same entry in pyproject.toml's filterwarnings).
warnings.filterwarnings(
    "ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning, module="pyhanko"
)

from cabinet.factory import FEATURES, create_app  # noqa: E402

__all__ = ["FEATURES", "create_app"]
