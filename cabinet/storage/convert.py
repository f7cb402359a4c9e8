"""Office → PDF conversion with LibreOffice headless, when it is installed.

Each run gets its own throw-away profile (``-env:UserInstallation``): a shared profile makes a
second soffice hand its job to the first one and hang, and a crashed run can lock it for good.

An uploaded document is hostile until proven otherwise: LibreOffice would fetch its linked
images (SSRF) and embed `file://` pictures from this machine into the reading copy. So each run
has no network (a fresh network namespace, `unshare -rn`), a private HOME/TMPDIR inside its temp
folder, a profile that blocks external links and macros, a copy of the document without its
external relationships, and CPU-time and memory limits. Where no network namespace can be made
the document is not converted at all (it stays a download).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from cabinet.storage.store import ContentStore
from cabinet.storage.uploads import StoredUpload, UploadRejected, check_and_store, detect_kind

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0
MEMORY_LIMIT = 3 * 1024 * 1024 * 1024  # address space for soffice (it maps ~1 GB to start)

# The profile's settings: no links to outside resources, no macros, no update checks.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseSystemFileDialog" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="UILocale" oor:op="fuse"><value>en-US</value></prop></item>
</oor:items>
"""
# A relationship that points outside the package (hyperlinks are only shown, never fetched).
_EXTERNAL_REL = re.compile(rb"<Relationship\b[^>]*TargetMode=\"External\"[^>]*/>")
_HYPERLINK = b"/relationships/hyperlink"


@functools.cache
def sandbox_prefix() -> tuple[str, ...] | None:
    """The command prefix that runs a program without network, or None when none works here."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    for flags in (("-rn",), ("--net",)):  # a user namespace first; plain --net needs root
        try:
            probe = subprocess.run([unshare, *flags, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return (unshare, *flags, "--")
    return None


def _limits(cpu_seconds: int) -> None:
    """In the child before exec: bounded memory and CPU time."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _write_profile(profile: Path) -> None:
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")


def _copy_without_external_links(path: Path, target: Path) -> None:
    """Copy the package, dropping relationships that reach outside it (images, OLE, templates)."""
    if not zipfile.is_zipfile(path):
        shutil.copyfile(path, target)
        return
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".rels"):
                data = _EXTERNAL_REL.sub(
                    lambda m: m.group(0) if _HYPERLINK in m.group(0) else b"", data
                )
            out.writestr(info, data)


def soffice_binary() -> str | None:
    """The LibreOffice executable on PATH, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    path: Path, *, outdir: Path | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Path | None:
    """Convert a DOCX/XLSX/PPTX to PDF; None when LibreOffice is missing or the conversion fails.

    The PDF is written to ``outdir`` (a new temp directory by default; the caller removes it after
    storing the result with :func:`~cabinet.storage.check_and_store`).
    """
    binary = soffice_binary()
    if binary is None:
        return None
    sandbox = sandbox_prefix()
    if sandbox is None:
        log.warning("no network namespace available (unshare): documents are not converted")
        return None
    path = Path(path)
    outdir = Path(outdir) if outdir else Path(tempfile.mkdtemp(prefix="convert-"))
    outdir.mkdir(parents=True, exist_ok=True)
    # The input name decides the output name and LibreOffice picks the filter from the extension:
    # hand it a copy with a plain name (stored files are named by hash, without an extension).
    with tempfile.TemporaryDirectory(prefix="soffice-") as work:
        work_dir = Path(work)
        source = work_dir / f"input{path.suffix or _guess_suffix(path)}"
        _copy_without_external_links(path, source)
        _write_profile(work_dir / "profile")
        (work_dir / "tmp").mkdir()
        command = [
            *sandbox,
            binary,
            f"-env:UserInstallation={(work_dir / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work_dir / "out"),
            str(source),
        ]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(work_dir),
            "TMPDIR": str(work_dir / "tmp"),
            "LANG": "C.UTF-8",
        }
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=work_dir,
                start_new_session=True,
                preexec_fn=functools.partial(_limits, int(timeout) + 1),
            )
        except OSError as exc:
            log.warning("LibreOffice could not start: %s", exc)
            return None
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # soffice.bin is a child of the soffice script: end the whole process group.
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            log.warning("LibreOffice conversion of %s timed out after %ss", path, timeout)
            return None
        produced = work_dir / "out" / "input.pdf"
        if process.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            log.warning(
                "LibreOffice could not convert %s (exit %s): %s",
                path,
                process.returncode,
                stderr.decode(errors="replace")[-500:],
            )
            return None
        target = outdir / "converted.pdf"
        shutil.move(produced, target)
        return target


def store_pdf_rendition(
    store: ContentStore,
    upload: StoredUpload,
    *,
    max_bytes: int,
    timeout: float = DEFAULT_TIMEOUT,
) -> StoredUpload | None:
    """The checked PDF reading copy of a stored DOCX/XLSX/PPTX, or None (keep it as a download)."""
    if upload.kind == "pdf":
        return upload
    with tempfile.TemporaryDirectory(prefix="rendition-") as outdir:
        pdf = convert_to_pdf(store.path_for(upload.sha256), outdir=Path(outdir), timeout=timeout)
        if pdf is None:
            return None
        stem = upload.display_name.rpartition(".")[0] or upload.display_name
        try:
            with pdf.open("rb") as handle:
                return check_and_store(handle, f"{stem}.pdf", store=store, max_bytes=max_bytes)
        except UploadRejected as error:
            log.warning(
                "LibreOffice produced an unusable PDF for %s: %s", upload.sha256, error.reason
            )
            return None


def _guess_suffix(path: Path) -> str:
    """The Office extension of a stored (extension-less) package, from its main part."""
    with path.open("rb") as handle:
        return "." + detect_kind(handle)
