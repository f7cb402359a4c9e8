"""What an upload really contains, measured rather than read from its own declarations.

Office packages are inflated in full (streamed, counted, capped) so a zip whose headers lie about
sizes is caught by its CRC/size check; macros are looked for in every part, not only in the
first main part found. PDF pages are counted by walking the page tree (the /Count entry is the
file's own claim), and active content (JavaScript, launch and other actions that leave the
document, embedded files) is removed before a PDF becomes a reading copy.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import Any, BinaryIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from cabinet.storage.store import CHUNK

#: An Office package that really inflates past this is a zip bomb, not a cabinet paper.
MAX_UNZIPPED = 1024 * 1024 * 1024
#: The most pages a PDF may have (a 20,000-page "paper" is an attack on the reader and the CPU).
DEFAULT_MAX_PAGES = 5000

MACRO_CONTENT_TYPES = frozenset(
    {
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "application/vnd.ms-excel.template.macroEnabled.main+xml",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
        "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
        "application/vnd.ms-office.vbaProject",
        "application/vnd.ms-office.activeX+xml",
        "application/vnd.ms-office.activeX",
    }
)


class PackageTooLarge(Exception):
    """The package inflates past the cap."""


def inflated_size(package: zipfile.ZipFile, cap: int | None = None) -> int:
    """The bytes every part really inflates to, read in chunks; stops past `cap`.

    zipfile checks each part's size and CRC against its header as it reads: a part whose header
    lies raises BadZipFile.
    """
    cap = MAX_UNZIPPED if cap is None else cap
    total = 0
    for info in package.infolist():
        with package.open(info) as part:
            while chunk := part.read(CHUNK):
                total += len(chunk)
                if total > cap:
                    raise PackageTooLarge(total)
    return total


def has_macros(package: zipfile.ZipFile, content_types: Iterable[str]) -> bool:
    """True when any declared content type or any part name shows VBA or ActiveX code."""
    if any(ct in MACRO_CONTENT_TYPES for ct in content_types):
        return True
    names = (info.filename.lower() for info in package.infolist())
    return any(
        name.endswith(("vbaproject.bin", "vbadata.xml")) or "/activex/" in name for name in names
    )


def count_pages(reader: PdfReader, cap: int) -> int:
    """The pages found by walking the page tree (loops ignored); stops counting past `cap`."""
    root = reader.trailer["/Root"].get_object()
    stack: list[Any] = [root["/Pages"]]
    seen: set[int] = set()
    pages = 0
    while stack:
        ref = stack.pop()
        if isinstance(ref, IndirectObject):
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
        node = ref.get_object()
        if not isinstance(node, DictionaryObject):
            continue
        kids = node.get("/Kids")
        if node.get("/Type") == "/Pages" or kids is not None:
            stack.extend(kids.get_object() if kids is not None else [])
        else:
            pages += 1
            if pages > cap:
                return pages
    return pages


# Actions that run code or reach outside the document.
_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/SubmitForm",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Sound",
        "/Movie",
    }
)
# Keys that hold active content wherever they appear.
_ACTIVE_KEYS = ("/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMedia")


def _is_active(value: Any) -> bool:
    obj = value.get_object() if isinstance(value, IndirectObject) else value
    return isinstance(obj, DictionaryObject) and (
        obj.get("/S") in _ACTIVE_ACTIONS or obj.get("/Subtype") == "/FileAttachment"
    )


def _clean(obj: Any, seen: set[int]) -> bool:
    """Remove active entries from `obj` and everything under it; True when anything was removed."""
    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return False
        seen.add(obj.idnum)
        obj = obj.get_object()
    changed = False
    if isinstance(obj, DictionaryObject):
        for key in [k for k in obj if k in _ACTIVE_KEYS]:
            del obj[key]
            changed = True
        for key in [k for k in obj if k in ("/A", "/OpenAction", "/Next") and _is_active(obj[k])]:
            del obj[key]
            changed = True
        for value in list(obj.values()):
            changed |= _clean(value, seen)
    elif isinstance(obj, ArrayObject):
        for index in reversed(range(len(obj))):
            if _is_active(obj[index]):
                del obj[index]  # a file-attachment annotation or an action in a chain
                changed = True
            else:
                changed |= _clean(obj[index], seen)
    return changed


# Names whose presence in the raw bytes may mean active content; /ObjStm hides dictionaries in
# compressed streams, so a file with object streams always gets the full walk.
_SUSPECT = (
    b"/JavaScript", b"/JS", b"/Launch", b"/AA", b"/EmbeddedFile", b"/EF", b"/XFA",
    b"/RichMedia", b"/ImportData", b"/SubmitForm", b"/GoToE", b"/FileAttachment", b"/Sound",
    b"/Movie", b"/Rendition", b"/ObjStm",
)  # fmt: skip


def may_hold_active_content(handle: BinaryIO) -> bool:
    """A cheap streaming scan: False only when no active-content name can be in the file."""
    handle.seek(0)
    tail = b""
    while chunk := handle.read(CHUNK):
        window = tail + chunk
        if any(name in window for name in _SUSPECT):
            return True
        tail = window[-32:]
    return False


def strip_active_content(handle: BinaryIO) -> bytes | None:
    """The PDF without JavaScript, outward actions and embedded files; None when it had none."""
    if not may_hold_active_content(handle):
        return None
    handle.seek(0)
    writer = PdfWriter(clone_from=PdfReader(handle))
    seen: set[int] = set()
    changed = _clean(writer.root_object, seen)
    # Objects no longer referenced (a removed name tree's file specs) are still written out.
    for obj in list(writer._objects):
        if obj is not None:
            changed |= _clean(obj, seen)
    if not changed:
        return None
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
