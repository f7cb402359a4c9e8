"""Signing records from each signer's own session: the right person, in order, with their key.

Minutes: the secretary signs first with a certification signature that allows only further
signatures and form filling (DocMDP) and reserves the chair's empty field, because a certified
document accepts no new fields afterwards; the chair then signs that field (approval).
Decisions follow Decree 30/2020 (``records.decree30``, ``records.issuing``): the chair
certifies first with his signature image; the office (văn thư) then takes the number and date
from the register, fills them in and applies the organisation's seal. Each signed file is stored
by its SHA-256 in the content store; the last signature locks the record and enters its hash in
the register.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cabinet.audit import record as audit
from cabinet.config import settings
from cabinet.db import db, utcnow
from cabinet.pki.trust import TrustPolicy
from cabinet.signing import (
    Pkcs11Signer,
    Pkcs12Signer,
    SignerBackend,
    SignerUnavailable,
    SigningFailed,
    load_trust_roots,
    sign_pdf,
    user_p12_path,
)
from cabinet.signing.keys import CA_CERT_FILE, CA_DIR
from cabinet.signing.ltv import complete_archive
from cabinet.signing.sign import (
    SignatureSlot,
    SignerNotValidated,
    SignerRevoked,
    TimestampUnavailable,
)
from cabinet.storage import ContentStore
from cabinet.users.models import Role, User
from meetings.audience import announce_to
from records import issuing
from records.models import (
    DecisionRecord,
    Minutes,
    NotTheSigner,
    RecordState,
    SignatureEvent,
    SignerRole,
    SigningIdentity,
    SigningOutOfOrder,
    SigningRefused,
)
from records.render import signature_slots

Record = Minutes | DecisionRecord

CAPACITY = {
    ("minutes", SignerRole.SECRETARY): "Thư ký phiên họp",
    ("minutes", SignerRole.CHAIR): "Chủ tọa phiên họp",
    ("decision", SignerRole.SECRETARY): "Văn phòng Chính phủ (xác thực)",
    ("decision", SignerRole.CHAIR): "TM. Chính phủ",
    ("decision", SignerRole.ORGANISATION): "Văn thư cơ quan (cấp số, đóng dấu)",
}


class WrongPassphrase(SigningRefused):
    code = "record.wrong_passphrase"
    default_message = _l(
        "Không mở được khóa ký: mật khẩu ký số không đúng hoặc thiết bị ký chưa sẵn sàng."
    )


class NoSigningKey(SigningRefused):
    code = "record.no_signing_key"
    default_message = _l("Bạn chưa có khóa ký số. Hãy liên hệ quản trị hệ thống để được cấp.")


class CertificateRevoked(SigningRefused):
    code = "record.certificate_revoked"
    default_message = _l(
        "Chứng thư số của bạn đã bị thu hồi nên không thể ký. "
        "Hãy liên hệ tổ chức cung cấp dịch vụ chứng thực để được cấp chứng thư mới."
    )


class CertificateNotValidated(SigningRefused):
    code = "record.certificate_not_validated"
    default_message = _l(
        "Không xác thực được chứng thư số của bạn (hết hạn, không tin cậy, hoặc không kiểm tra "
        "được tình trạng thu hồi). Chưa ký văn bản."
    )


class TimestampServiceDown(SigningRefused):
    code = "record.timestamp_unavailable"
    default_message = _l(
        "Dịch vụ cấp dấu thời gian hoặc kiểm tra chứng thư không phản hồi. Chưa ký văn bản; "
        "hãy thử lại sau."
    )


def store() -> ContentStore:
    """The content store records are kept in."""
    return ContentStore(settings().storage_dir)


def trust_roots() -> list[Any]:
    """Trusted roots: the demo CA (when created and trusted), every PEM/DER file in
    ``keys_dir/trust``, and the files of ``ECABINET_TRUST_ROOTS``."""
    config = settings()
    keys_dir = Path(config.keys_dir)
    paths = [keys_dir / CA_DIR / CA_CERT_FILE] if config.trust_demo_ca else []
    trust = keys_dir / "trust"
    if trust.is_dir():
        paths.extend(sorted(p for p in trust.iterdir() if p.is_file()))
    paths.extend(config.trust_roots)
    return load_trust_roots([p for p in paths if p.is_file()])


def trust_policy() -> TrustPolicy:
    """Roots and revocation mode signatures are made and checked with (OCSP/CRL fetched online)."""
    return TrustPolicy(tuple(trust_roots()), settings().revocation_mode)


def _refusals(make, *args, **kwargs):
    """Run a signing step, turning the signing layer's failures into the records' refusals."""
    try:
        return make(*args, **kwargs)
    except SignerUnavailable as exc:
        raise WrongPassphrase() from exc
    except SignerRevoked as exc:
        raise CertificateRevoked() from exc
    except SignerNotValidated as exc:
        raise CertificateNotValidated() from exc
    except TimestampUnavailable as exc:
        raise TimestampServiceDown() from exc
    except SigningFailed as exc:
        raise SigningRefused(_l("Không ký được văn bản: %(reason)s", reason=str(exc))) from exc


def ltv_options() -> dict[str, Any]:
    """The TSA and trust policy signatures are made with at the configured PAdES level."""
    level = settings().pades_level
    return {
        "timestamp_url": settings().timestamp_url if level != "b-b" else None,
        "trust": trust_policy() if level in ("b-lt", "b-lta") else None,
    }


def finish_archive(signed: bytes) -> bytes:
    """After the last signature: the DSS and the document timestamp (B-LTA), when configured."""
    options = ltv_options()
    if settings().pades_level == "b-lta" and options["trust"] and options["timestamp_url"]:
        return complete_archive(signed, **options)
    return signed


def sign_with_level(pdf: bytes, backend: SignerBackend, *, last: bool, **signature) -> bytes:
    """Sign at the configured PAdES level; after the ``last`` signature, complete B-LTA."""

    def make() -> bytes:
        signed = sign_pdf(pdf, backend, **ltv_options(), **signature)
        return finish_archive(signed) if last else signed

    return _refusals(make)


def identity_of(user: User) -> SigningIdentity | None:
    """The configured signing identity row of a person, if any."""
    return db.session.scalar(select(SigningIdentity).where(SigningIdentity.user_id == user.id))


def backend_for(user: User, passphrase: str) -> tuple[SignerBackend, str]:
    """The person's signer back-end opened with their passphrase (or PIN), and its kind."""
    ident = identity_of(user)
    if ident is not None and ident.backend == "pkcs11":
        if not ident.pkcs11_module or not ident.key_label:
            raise NoSigningKey()
        return (
            Pkcs11Signer(
                module_path=ident.pkcs11_module,
                key_label=ident.key_label,
                pin=passphrase,
                token_label=ident.token_label,
                slot=ident.slot,
                chain_files=(Path(ident.chain_path),) if ident.chain_path else (),
            ),
            "pkcs11",
        )
    path = Path(ident.p12_path) if ident and ident.p12_path else None
    path = path or user_p12_path(settings().keys_dir, user.email)
    if not path.is_file():
        raise NoSigningKey()
    return Pkcs12Signer(path, passphrase), "pkcs12"


def may_sign_as(record: Record, role: SignerRole, user: User) -> bool:
    """Whether ``user`` signs ``record`` in capacity ``role`` (the organisation's signature is
    applied by the office: a secretariat person holding the organisation's keystore)."""
    if role == SignerRole.ORGANISATION:
        return user.has_role(Role.SECRETARIAT)
    if role == SignerRole.SECRETARY:
        return record.secretary_id == user.id
    return record.chair_id == user.id


def signer_role(record: Record, user: User) -> SignerRole | None:
    """In which capacity ``user`` may sign ``record`` now, if any (used by the pages)."""
    awaiting = record.awaiting
    if awaiting is not None and may_sign_as(record, awaiting, user):
        return awaiting
    return None


def order_text(record: Record) -> str:
    """The record's signing order in words ("1. Chủ tọa …; 2. Văn thư …")."""
    names = {
        SignerRole.SECRETARY: _l(
            "thư ký %(name)s", name=record.secretary.name if record.secretary else "—"
        ),
        SignerRole.CHAIR: _l("chủ tọa %(name)s", name=record.chair.name if record.chair else "—"),
        SignerRole.ORGANISATION: _l("văn thư (cấp số, ngày ban hành, đóng dấu cơ quan)"),
    }
    return "; ".join(f"{n}. {names[r]}" for n, r in enumerate(record.signing_order, start=1))


OUT_OF_TURN = {
    SignerRole.SECRETARY: _l("Thư ký phải ký trước; chủ tọa ký sau khi thư ký đã ký."),
    SignerRole.CHAIR: _l("Chưa đến lượt: chủ tọa phải ký trước."),
    SignerRole.ORGANISATION: _l(
        "Chủ tọa đã ký; đang chờ văn thư cấp số, ngày ban hành và đóng dấu cơ quan."
    ),
}
#: Decree 30: the office may not number or seal what the competent person has not signed.
OFFICE_BEFORE_CHAIR = _l(
    "Theo Nghị định 30/2020, người có thẩm quyền (chủ tọa) ký trước; văn thư chỉ cấp số, "
    "ngày ban hành và đóng dấu cơ quan sau khi chủ tọa đã ký."
)


def _check_turn(record: Record, user: User) -> SignerRole:
    roles = [r for r in record.signing_order if may_sign_as(record, r, user)]
    if not roles:
        raise NotTheSigner(
            _l(
                "Bạn không phải người ký văn bản này. Trình tự ký: %(order)s.",
                order=order_text(record),
            )
        )
    awaiting = record.awaiting
    if awaiting is None:
        if record.state == RecordState.LOCKED:
            raise SigningOutOfOrder(_l("Văn bản đã được ký đủ và khóa."))
        raise SigningOutOfOrder(
            _l("Văn bản chưa được chốt bản cuối; chưa thể ký."), state=str(record.state)
        )
    if awaiting not in roles:
        if awaiting == SignerRole.CHAIR and SignerRole.ORGANISATION in roles:
            raise SigningOutOfOrder(OFFICE_BEFORE_CHAIR, awaiting=awaiting.value)
        if awaiting == SignerRole.CHAIR:
            message = _l("Bạn đã ký văn bản này; đang chờ chủ tọa ký.")
        else:
            message = OUT_OF_TURN[awaiting]
        raise SigningOutOfOrder(message, awaiting=awaiting.value)
    return awaiting


def _signed_pdf(record: Record, role: SignerRole, user: User, passphrase: str, pdf: bytes):
    """The signed file of this step, the back-end kind, and the register entry it issued."""
    capacity = CAPACITY[(record.record_type, role)]
    if role == SignerRole.ORGANISATION:
        try:
            backend = issuing.organisation_backend(passphrase)
        except issuing.NoOrganisationKey as exc:
            raise NoSigningKey(
                _l("Chưa có khóa ký số của cơ quan. Hãy liên hệ quản trị hệ thống để được cấp.")
            ) from exc
        entry, signed = _refusals(
            issuing.issue_and_seal,
            record,
            pdf,
            backend,
            actor=user,
            now=utcnow(),
            finish=finish_archive,
            **ltv_options(),
        )
        return signed, "pkcs12", entry
    backend, kind = backend_for(user, passphrase)
    if role == SignerRole.CHAIR and record.signing_order[0] == SignerRole.CHAIR:
        # Decree 30: the competent person signs first, with his signature image.
        signed = _refusals(issuing.chair_signs_first, pdf, backend, user, capacity, **ltv_options())
        return signed, kind, None
    reserve = ()
    page, box = 0, (0.0, 0.0, 0.0, 0.0)  # the chair signs the field the secretary reserved
    if role == SignerRole.SECRETARY:
        slots = signature_slots(pdf)
        page, box = slots[role].page, slots[role].box
        chair_slot = slots[SignerRole.CHAIR]
        reserve = (SignatureSlot(SignerRole.CHAIR.value, chair_slot.page, chair_slot.box),)
    signed = sign_with_level(
        pdf,
        backend,
        last=role == record.signing_order[-1],
        field_name=role.value,
        page=page,
        box=box,
        signer_name=user.name,
        capacity=capacity,
        certify=role == SignerRole.SECRETARY,
        reserve=reserve,
    )
    return signed, kind, None


def sign_record(record: Record, user: User, passphrase: str) -> SignatureEvent:
    """Sign the record's current PDF as ``user`` in their turn; store the result and advance.

    Minutes: the secretary, then the chair. Decisions (Decree 30/2020): the chair, then the
    office issues the number and date and applies the organisation's seal. The record locks,
    with its final hash in the register, at the last signature of its order."""
    # Two taps of the same button (or two tablets) must not sign the same revision twice.
    locked = db.session.scalar(
        select(type(record))
        .where(type(record).id == record.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    role = _check_turn(locked, user)
    if not locked.pdf_sha256:
        raise SigningRefused(_l("Chưa có bản PDF để ký."))
    content_store = store()
    with content_store.open(locked.pdf_sha256) as handle:
        pdf = handle.read()
    signed, kind, entry = _signed_pdf(locked, role, user, passphrase, pdf)
    sha = content_store.put_bytes(signed)
    now = utcnow()
    event = SignatureEvent(
        record_type=locked.record_type,
        record_id=locked.id,
        role=role,
        signer_id=user.id,
        field_name=role.value,
        backend=kind,
        signed_at=now,
        sha256_before=locked.pdf_sha256,
        sha256_after=sha,
    )
    db.session.add(event)
    if entry is not None:  # numbered and dated by the office at this step
        locked.register_entry = entry
        locked.issued_at = entry.issued_at
    locked.mark_signed(role)
    locked.pdf_sha256 = sha
    if locked.state == RecordState.LOCKED:
        locked.locked_at = now
        if locked.register_entry is not None:
            locked.register_entry.final_sha256 = sha
        if getattr(locked, "kind", None) == "ballot_summary":
            locked.ballot.summary_sha256 = sha  # the summary's downloads: the sealed record
    db.session.flush()
    data = {"role": role.value, "sha256": sha}
    if entry is not None:
        data["number"] = entry.symbol
    audit(f"{locked.record_type}.signed", locked, data=data, actor=user)
    meeting_id = getattr(locked, "meeting_id", None)
    if meeting_id:
        announce_to(
            "record.signed",
            {
                "meeting_id": meeting_id,
                "record_type": locked.record_type,
                "record_id": locked.id,
                "role": role.value,
                "state": str(locked.state),
                "signer": user.name,
            },
            locked.can_read,  # the record's readers, not every invitee following the room
        )
    return event


def sha256_hex(data: bytes) -> str:
    """SHA-256 of a file's bytes, hex."""
    return hashlib.sha256(data).hexdigest()
