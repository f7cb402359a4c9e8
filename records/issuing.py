"""The Decree 30/2020 steps of signing a decision: the competent person's signature (his
signature image, no text) and the office's issuance (the number and date from the register,
the organisation's seal over the left third of that signature, then B-LTA).

``records.signing`` chooses the step from the record's order (``records.decree30``) and
checks whose turn it is; this module makes the PDF of each step.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cabinet.config import settings
from cabinet.dates import local, place_and_date
from cabinet.signing import Pkcs12Signer, SignerBackend, seal_pdf, sign_pdf
from cabinet.signing.sign import SignatureSlot
from cabinet.users.models import User
from records import numbering
from records.decree30 import (
    ORGANISATION,
    organisation_p12_path,
    seal_field_box,
    seal_in_block,
    seal_path,
    signature_png,
)
from records.models import DecisionRecord, RegisterEntry, SignerRole
from records.render import issue_slots, signature_slots

#: Where a deployment keeps each signer's scanned signature image: ``<email>.png``.
SIGNATURES_DIR = "signatures"


class NoOrganisationKey(LookupError):
    """The organisation's keystore has not been issued or imported."""


def signature_image(user: User) -> bytes:
    """The person's signature image: the scanned one in keys_dir/signatures, else drawn."""
    path = Path(settings().keys_dir) / SIGNATURES_DIR / f"{user.email}.png"
    return path.read_bytes() if path.is_file() else signature_png(user.name)


def seal_image() -> bytes:
    """The organisation's seal image kept beside its keystore."""
    path = seal_path(Path(settings().keys_dir))
    if not path.is_file():
        from records.decree30 import seal_png

        return seal_png()
    return path.read_bytes()


def organisation_backend(passphrase: str) -> SignerBackend:
    """The organisation's keystore opened with its passphrase (held by the clerk)."""
    path = organisation_p12_path(Path(settings().keys_dir))
    if not path.is_file():
        raise NoOrganisationKey(str(path))
    return Pkcs12Signer(path, passphrase)


def chair_signs_first(
    pdf: bytes, backend: SignerBackend, user: User, capacity: str, **ltv
) -> bytes:
    """The competent person's certification signature (his image, no text) in his block; it
    reserves the organisation's seal field over the left third of it and the number and date
    fields the office fills in afterwards (the only changes its DocMDP allows)."""
    chair = signature_slots(pdf, SignerRole.CHAIR)[SignerRole.CHAIR]
    return sign_pdf(
        pdf,
        backend,
        field_name=SignerRole.CHAIR.value,
        page=chair.page,
        box=chair.box,
        signer_name=user.name,
        capacity=capacity,
        certify=True,
        image=signature_image(user),
        reserve=(
            SignatureSlot(SignerRole.ORGANISATION.value, chair.page, seal_field_box(chair.box)),
        ),
        reserve_text=issue_slots(pdf),
        **ltv,
    )


def issue_and_seal(
    record: DecisionRecord,
    pdf: bytes,
    backend: SignerBackend,
    *,
    actor: User,
    now: datetime,
    finish,
    **ltv,
) -> tuple[RegisterEntry, bytes]:
    """The office's step: take the number from the register, fill the number and the date in,
    apply the organisation's signature (seal image, name, ISO 8601 time) and ``finish`` (the
    B-LTA completion). The register's counter is not locked while this signs: the number is
    taken after, and the file is made again if another issuance took it meanwhile."""
    slots = issue_slots(pdf)
    if record.kind == "ballot_summary":
        # Nobody signed before: the seal goes in the office's own block, fields added now.
        block = signature_slots(pdf, SignerRole.ORGANISATION)[SignerRole.ORGANISATION]
        page, box = block.page, seal_in_block(block.box)
    else:
        page, box = 0, (0.0, 0.0, 0.0, 0.0)  # the field the chair's signature reserved
    day = local(now).date()
    place = (record.content or {}).get("place", "Hà Nội")

    def make(symbol: str) -> bytes:
        sealed = seal_pdf(
            pdf,
            backend,
            box=box,
            page=page,
            image=seal_image(),
            organization=ORGANISATION,
            field_name=SignerRole.ORGANISATION.value,
            slots=slots,
            fill={"so": symbol.split("/")[0], "ngay": place_and_date(place, day)},
            **ltv,
        )
        return finish(sealed)

    return numbering.issue_rendered(
        record.doc_type, title=record.title, actor=actor, render=make, now=now
    )
