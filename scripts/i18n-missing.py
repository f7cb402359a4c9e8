"""List the interface strings that still lack an English translation, by file."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cabinet.i18n import missing_translations  # noqa: E402

missing = missing_translations()
for msgid, where in sorted(missing.items(), key=lambda kv: kv[1]):
    print(f"{where}\t{msgid!r}")
print(f"{len(missing)} missing", file=sys.stderr)
