"""PDF/A-3 rendering of records with WeasyPrint: embedded fonts, attachments, locked fetcher.

Templates may load only the app's own files under ``static/``, either as ``static:css/x.css``
or as a path relative to the base URL (the static folder). Every other URL (http, https, ftp,
file outside ``static/``, data:) aborts the render with :class:`PdfRenderError`, so a record
template can never be turned into a request forgery or a local file disclosure.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, Attachment
from weasyprint import __version__ as WEASYPRINT_VERSION
from weasyprint.css import ColorProfile
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

STATIC_ROOT = Path(__file__).resolve().parent.parent / "static"
#: Relative URLs in templates resolve against the static folder.
BASE_URL = STATIC_ROOT.as_uri() + "/"
PDF_FONT_DIR = STATIC_ROOT / "fonts" / "pdf"
#: The serif used in records (metric-compatible with Times New Roman, full Vietnamese).
PDF_SERIF = {
    (400, "normal"): "LiberationSerif-Regular.ttf",
    (700, "normal"): "LiberationSerif-Bold.ttf",
    (400, "italic"): "LiberationSerif-Italic.ttf",
    (700, "italic"): "LiberationSerif-BoldItalic.ttf",
}
PDF_VARIANT = "pdf/a-3b"
RELATIONSHIPS = frozenset({"Source", "Data", "Alternative", "Supplement", "Unspecified"})
#: Info /Creator and XMP xmp:CreatorTool (the same text in both).
CREATOR = f"WeasyPrint {WEASYPRINT_VERSION} (e-Cabinet)"
_XMP_PRODUCER = b' pdf:Producer="WeasyPrint ' + WEASYPRINT_VERSION.encode() + b'"'


class PdfRenderError(Exception):
    """The document could not be rendered (forbidden URL, missing font, bad attachment)."""


class ForbiddenUrl(FatalURLFetchingError):
    """A template referenced a URL outside the app's static files."""


@dataclass(frozen=True, slots=True)
class PdfAttachment:
    """A file embedded in the PDF/A-3 (the record's machine-readable twin)."""

    name: str
    data: bytes
    mime: str
    description: str
    relationship: str = "Data"

    def __post_init__(self):
        if self.relationship not in RELATIONSHIPS:
            raise ValueError(f"AFRelationship must be one of {sorted(RELATIONSHIPS)}")
        if "/" not in self.mime:
            raise ValueError(f"not a MIME type: {self.mime!r}")


def pdf_font_path(weight: int = 400, style: str = "normal") -> Path:
    """Path of the embedded record serif for the given weight and style."""
    path = PDF_FONT_DIR / PDF_SERIF[(weight, style)]
    if not path.is_file():
        raise PdfRenderError(f"PDF font missing: {path} (see static/fonts/pdf/)")
    return path


@lru_cache(maxsize=64)
def _read_static(path: Path, mtime_ns: int) -> bytes:
    # Keyed on mtime so an updated file is re-read; fonts are read once per process.
    return path.read_bytes()


def resolve_static_url(url: str, static_root: Path = STATIC_ROOT) -> Path:
    """Map an allowed URL to a file under ``static_root`` or raise :class:`ForbiddenUrl`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "static":
        relative = unquote(url.split(":", 1)[1].split("?", 1)[0].split("#", 1)[0])
        candidate = static_root / relative.lstrip("/")
    elif scheme == "file" and parts.netloc in ("", "localhost"):
        candidate = Path(url2pathname(parts.path))
    else:
        raise ForbiddenUrl(f"URL not allowed in a record template: {url[:200]}")
    root = static_root.resolve()
    # resolve() follows symlinks and "..", so a link pointing out of static/ is refused too.
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root):
        raise ForbiddenUrl(f"URL outside the static folder: {url[:200]}")
    if not resolved.is_file():
        raise ForbiddenUrl(f"no such static file: {url[:200]}")
    return resolved


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint URL fetcher serving the app's static files and nothing else."""

    def __init__(self, static_root: Path = STATIC_ROOT):
        super().__init__(allowed_protocols=("static", "file"), fail_on_errors=True)
        self.static_root = static_root

    def fetch(self, url, headers=None):
        """Return the static file behind ``url``; any other URL aborts the render."""
        path = resolve_static_url(url, self.static_root)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        body = _read_static(path, path.stat().st_mtime_ns)
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": mime})


class _AttachmentFetcher(URLFetcher):
    """Hands WeasyPrint the in-memory attachments with their declared MIME types."""

    def __init__(self, attachments: Sequence[PdfAttachment]):
        super().__init__(allowed_protocols=("attachment",), fail_on_errors=True)
        self.attachments = attachments

    def fetch(self, url, headers=None):
        index = int(url.removeprefix("attachment:"))
        item = self.attachments[index]
        return URLFetcherResponse(url, item.data, {"Content-Type": item.mime})


def _srgb_profile() -> ColorProfile:
    # WeasyPrint 70 opens its bundled sRGB profile for PDF/A without closing it (a
    # ResourceWarning per render); loading it here, closed, and handing it over avoids the leak.
    with (files("weasyprint.pdf") / "sRGB2014.icc").open("rb") as icc:
        return ColorProfile(icc, "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"]))


def _font_face_css() -> str:
    rules = []
    for (weight, style), filename in PDF_SERIF.items():
        pdf_font_path(weight, style)
        rules.append(
            f'@font-face {{ font-family: "Liberation Serif"; font-weight: {weight}; '
            f"font-style: {style}; src: url(static:fonts/pdf/{filename}); }}"
        )
    # A user stylesheet: the template's own CSS wins, this is only the default face.
    rules.append('html { font-family: "Liberation Serif", serif; }')
    return "\n".join(rules)


def _without_xmp_producer(generate):
    """WeasyPrint's XMP generator minus ``pdf:Producer`` (see ``_finish``)."""

    def generate_rdf_metadata(*args, **kwargs):
        rdf = generate(*args, **kwargs)
        return rdf.replace(_XMP_PRODUCER, b"")

    return generate_rdf_metadata


def _finish(_document, pdf) -> None:
    """Fix-ups on WeasyPrint's PDF before it is written.

    - ``/AF``: WeasyPrint's PDF/A-3 step lists each attachment twice (once from the
      EmbeddedFiles name tree, once from the file specifications); keep each once.
    - ``/Producer``: a signature's incremental update (pyHanko) sets XMP ``pdf:Producer`` to its
      own name but appends to Info ``/Producer``, so the two would disagree in every signed
      record (ISO 19005 asks them to agree). The rendering leaves the producer out of both; the
      signer then writes the same value in both. Who made the file stays in ``/Creator`` and
      ``xmp:CreatorTool``.
    """
    if "AF" in pdf.catalog:
        unique = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"][:] = unique
    pdf.info.pop("Producer", None)


def render_pdf(
    html: str,
    *,
    attachments: Sequence[PdfAttachment] = (),
    title: str,
    lang: str = "vi",
) -> bytes:
    """Render HTML to a PDF/A-3b with embedded fonts and attachments, loading only static files."""
    fetcher = StaticOnlyFetcher()
    font_config = FontConfiguration()
    now = datetime.now(UTC)
    attachment_fetcher = _AttachmentFetcher(attachments)
    pdf_attachments = [
        Attachment(
            url=f"attachment:{index}",
            url_fetcher=attachment_fetcher,
            name=item.name,
            description=item.description,
            relationship=item.relationship,
            created=now,
            modified=now,
        )
        for index, item in enumerate(attachments)
    ]
    if len({item.data for item in attachments}) != len(attachments):
        # WeasyPrint keys AFRelationship on the content's MD5.
        raise PdfRenderError("two attachments have identical content")
    try:
        stylesheet = CSS(string=_font_face_css(), url_fetcher=fetcher, font_config=font_config)
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            font_config=font_config,
            color_profiles={"srgb": _srgb_profile()},
            stylesheets=[stylesheet],
            pdf_variant=PDF_VARIANT,
            output_intent="srgb",
        )
        document.metadata.title = title
        document.metadata.lang = lang
        document.metadata.created = document.metadata.modified = now.isoformat()
        document.metadata.generator = CREATOR
        document.metadata.generate_rdf_metadata = _without_xmp_producer(
            document.metadata.generate_rdf_metadata
        )
        # Any non-None value other than "srgb" stops write_pdf from reloading (and leaking) the
        # profile; the output intent itself comes from document.output_intent set above.
        return document.write_pdf(
            attachments=pdf_attachments,
            pdf_variant=PDF_VARIANT,
            output_intent="preloaded",
            finisher=_finish,
        )
    except FatalURLFetchingError as exc:
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        raise PdfRenderError(str(cause)) from cause
