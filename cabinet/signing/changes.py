"""What changed in a PDF after a given revision, in terms a reader of the document understands.

pyHanko's difference analysis grades the updates after a signature (none, long-term validation
data, form filling, annotations, other), but "form filling" also covers a new unsigned field
whose appearance paints over the page. This module lists the changes one by one by comparing
the signed revision with the final file: later signatures and document timestamps, validation
data (DSS), new or changed annotations and fields (and whether they are visible), page content,
pages added or removed, attachments. A change :attr:`Change.alters_display` when what a reader
sees is no longer what the signer saw (a later signature's own stamp excepted).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

#: Annotation flags that keep an annotation from being seen (Hidden, NoView).
_INVISIBLE_FLAGS = 2 | 32
#: How many objects a page's content and resources may reach before we stop walking.
_WALK_LIMIT = 5000


@dataclass(frozen=True)
class Change:
    """One change made after a signature."""

    #: "signature", "timestamp", "validation_data", "empty_field", "filled_field",
    #: "unsigned_field", "annotation", "page_content", "pages_added", "pages_removed",
    #: "attachments", "other". A "filled_field" is a text field this signature reserved, filled
    #: in its own box before a later signature that covers the filling (the number and date
    #: the issuing office writes after the competent person signs, Decree 30/2020).
    kind: str
    field: str | None = None
    signer: str | None = None
    #: 1-based page number, when the change sits on one page
    page: int | None = None
    visible: bool = False

    @property
    def alters_display(self) -> bool:
        """True when the pages no longer show what the signer saw."""
        if self.kind in ("unsigned_field", "annotation"):
            return self.visible
        return self.kind in ("page_content", "pages_added", "pages_removed")

    @property
    def alters_content(self) -> bool:
        """True when the change is not a signature, timestamp or validation data."""
        return self.alters_display or self.kind in ("attachments", "other")


@dataclass(frozen=True)
class LaterSignature:
    """A signature or document timestamp made in a later revision."""

    field: str
    revision: int
    signer: str | None
    timestamp: bool = False


def _get(node, key: str, default=None):
    """``node[key]`` resolved (pyHanko's ``get`` may hand back an indirect reference)."""
    return node[key] if key in node else default  # noqa: SIM401 (get() would not resolve)


def _last_change(reader: PdfFileReader, ref: generic.Reference) -> int:
    try:
        return reader.xrefs.get_last_change(ref)
    except KeyError:
        return -1


def _pages(root: generic.DictionaryObject) -> list[tuple[generic.Reference | None, dict]]:
    pages: list[tuple[generic.Reference | None, dict]] = []
    stack = [root.raw_get("/Pages")]
    while stack and len(pages) < 100_000:
        raw = stack.pop()
        node = raw.get_object()
        if _get(node, "/Type") == "/Pages" or "/Kids" in node:
            kids = node["/Kids"]
            stack.extend(reversed([kids.raw_get(i) for i in range(len(kids))]))
        else:
            pages.append((raw if isinstance(raw, generic.IndirectObject) else None, node))
    return pages


def _refs_reached(values: Iterable[generic.PdfObject]) -> Iterator[generic.Reference]:
    seen: set[tuple[int, int]] = set()
    stack = list(values)
    while stack and len(seen) < _WALK_LIMIT:
        value = stack.pop()
        if isinstance(value, generic.IndirectObject):
            key = (value.idnum, value.generation)
            if key in seen:
                continue
            seen.add(key)
            yield value.reference
            value = value.get_object()
        if isinstance(value, generic.DictionaryObject):
            stack.extend(value.raw_get(k) for k in value if k not in ("/Parent", "/P"))
        elif isinstance(value, generic.ArrayObject):
            stack.extend(value.raw_get(i) for i in range(len(value)))


def _annotations(page: dict) -> dict[tuple[int, int], generic.IndirectObject | dict]:
    annots = _get(page, "/Annots")
    found: dict[tuple[int, int], generic.IndirectObject | dict] = {}
    if not isinstance(annots, generic.ArrayObject):
        return found
    for index in range(len(annots)):
        raw = annots.raw_get(index)
        key = (
            (raw.idnum, raw.generation) if isinstance(raw, generic.IndirectObject) else (-1, index)
        )
        found[key] = raw
    return found


def _field_name(annotation: dict) -> str | None:
    names = []
    node = annotation
    for _ in range(20):
        if "/T" in node:
            names.append(str(node["/T"]))
        if "/Parent" not in node:
            break
        node = node["/Parent"]
    return ".".join(reversed(names)) if names else None


def _visible(annotation: dict) -> bool:
    try:
        x1, y1, x2, y2 = (float(v) for v in _get(annotation, "/Rect", [0, 0, 0, 0]))
    except (TypeError, ValueError):
        return True
    if abs(x2 - x1) * abs(y2 - y1) < 1:
        return False
    if int(_get(annotation, "/F", 0)) & _INVISIBLE_FLAGS:
        return False
    if _get(annotation, "/Subtype") != "/Widget":
        return True
    appearance = _get(annotation, "/AP")
    normal = _get(appearance, "/N") if appearance is not None else None
    if isinstance(normal, generic.StreamObject):
        return bool(normal.data.strip())  # an empty stream draws nothing
    return normal is not None


def _is_signature_field(annotation: dict) -> bool:
    node = annotation
    for _ in range(20):
        if _get(node, "/FT") == "/Sig":
            return True
        if "/Parent" not in node:
            return False
        node = node["/Parent"]
    return False


def _attachments(root: dict) -> dict[str, tuple]:
    files: dict[str, tuple] = {}
    names_dict = _get(root, "/Names")
    tree = _get(names_dict, "/EmbeddedFiles") if names_dict is not None else None
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop().get_object()
        names = _get(node, "/Names", generic.ArrayObject())
        for i in range(0, len(names) - 1, 2):
            files[str(names[i])] = (names.raw_get(i + 1),)
        stack.extend(_get(node, "/Kids", []))
    if "/AF" in root:
        files["/AF"] = (root.raw_get("/AF"),)
    return files


def _changed(reader: PdfFileReader, values: Iterable, revision: int) -> bool:
    return any(_last_change(reader, ref) > revision for ref in _refs_reached(values))


def changes_after(
    reader: PdfFileReader, revision: int, later: list[LaterSignature]
) -> list[Change]:
    """Every change between ``revision`` (a signature's own) and the end of the file."""
    changes = [
        Change("timestamp" if s.timestamp else "signature", field=s.field, signer=s.signer)
        for s in later
        if s.revision > revision
    ]
    if revision >= reader.xrefs.total_revisions - 1:
        return changes
    signed_fields = {s.field for s in later if s.revision > revision}
    # The last revision a later signature (not a document timestamp) vouches for.
    vouched = max(
        (s.revision for s in later if s.revision > revision and not s.timestamp), default=-1
    )
    old_root = reader.get_historical_root(revision)
    new_root = reader.root
    if "/DSS" in new_root and (
        "/DSS" not in old_root or _changed(reader, [new_root.raw_get("/DSS")], revision)
    ):
        changes.append(Change("validation_data"))

    old_pages, new_pages = _pages(old_root), _pages(new_root)
    if len(new_pages) > len(old_pages):
        changes.append(Change("pages_added", page=len(old_pages) + 1, visible=True))
    elif len(new_pages) < len(old_pages):
        changes.append(Change("pages_removed", page=len(new_pages) + 1, visible=True))
    for number, ((_old_ref, old), (_new_ref, new)) in enumerate(
        zip(old_pages, new_pages, strict=False), start=1
    ):
        drawn = [new.raw_get(k) for k in ("/Contents", "/Resources", "/MediaBox") if k in new]
        before = [old.raw_get(k) for k in ("/Contents", "/Resources", "/MediaBox") if k in old]
        if repr(drawn) != repr(before) or _changed(reader, drawn, revision):
            changes.append(Change("page_content", page=number, visible=True))
        changes.extend(
            _annotation_changes(reader, old, new, number, revision, signed_fields, vouched)
        )

    old_files, new_files = _attachments(old_root), _attachments(new_root)
    if set(old_files) != set(new_files) or any(
        repr(old_files[name]) != repr(new_files[name])
        or _changed(reader, new_files[name], revision)
        for name in new_files
    ):
        changes.append(Change("attachments"))
    return changes


def _annotation_changes(
    reader: PdfFileReader,
    old: dict,
    new: dict,
    page: int,
    revision: int,
    signed_fields: set[str],
    vouched: int = -1,
) -> Iterator[Change]:
    before, after = _annotations(old), _annotations(new)
    for key in before.keys() - after.keys():
        yield Change("annotation", page=page, visible=_visible(before[key].get_object()))
    for key, raw in after.items():
        annotation = raw.get_object()
        is_new = key not in before
        if not is_new and not _changed(reader, [raw], revision):
            continue
        name = _field_name(annotation) if _get(annotation, "/Subtype") == "/Widget" else None
        if name is not None and name in signed_fields:
            continue  # a later signature's own stamp, validated as that signature
        visible = _visible(annotation)
        if name is None:
            yield Change("annotation", page=page, visible=visible)
        elif _is_signature_field(annotation) and not visible:
            yield Change("empty_field", field=name, page=page)
        elif not is_new and _filled_in_place(reader, before[key], raw, vouched):
            yield Change("filled_field", field=name, page=page, visible=visible)
        else:
            yield Change("unsigned_field", field=name, page=page, visible=visible)


def _filled_in_place(reader: PdfFileReader, old_raw, raw, vouched: int) -> bool:
    """A text field of the signed revision given a value in its own, unmoved box, every part
    of it last changed no later than a later signature's revision (which covers the filling)."""
    old, new = old_raw.get_object(), raw.get_object()
    if _get(new, "/FT") != "/Tx" or _get(old, "/FT") != "/Tx":
        return False
    if repr(list(_get(old, "/Rect", []))) != repr(list(_get(new, "/Rect", []))):
        return False
    if int(_get(new, "/F", 0)) != int(_get(old, "/F", 0)):
        return False
    last = max((_last_change(reader, ref) for ref in _refs_reached([raw])), default=-1)
    return 0 <= last <= vouched
