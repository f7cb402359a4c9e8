"""Merge msgid -> English pairs into a package's English catalog: `po-merge.py PO_FILE PAIRS.py`.

PAIRS.py defines a dict T. Existing entries are kept unless they are empty; the file stays sorted
by first appearance. Used by developers; the app compiles the .po files itself at start-up.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

po_path, pairs_path = Path(sys.argv[1]), sys.argv[2]
pairs = runpy.run_path(pairs_path)["T"]
if po_path.exists():
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
else:
    po_path.parent.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(locale="en", project="e-Cabinet")
for msgid, msgstr in pairs.items():
    current = catalog.get(msgid)
    if current is None or not current.string:
        catalog.add(msgid, msgstr)
with po_path.open("wb") as handle:
    write_po(handle, catalog, width=100, omit_header=False)
print(f"{po_path}: {len(catalog)} messages")
