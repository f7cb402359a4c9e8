"""PAdES signing with PKCS#12 keystores: secretary certifies, chair approves; two validators agree."""

import subprocess
from io import BytesIO

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from cabinet.signing import (
    KeystoreError,
    Pkcs12Signer,
    SignerBackend,
    SignerUnavailable,
    SigningFailed,
    create_demo_ca,
    import_p12,
    issue_user_p12,
    load_demo_ca,
    read_p12,
    sign_pdf,
    user_p12_path,
    verify_pdf,
)
from cabinet.signing.cli import keys, set_user_lookup, verify_command

from .test_signing_helpers import (
    CHAIR_BOX,
    CHAIR_SLOT,
    SECRETARY_BOX,
    nss_db_trusting,
    pdffonts_rows,
    pdfsig,
    sample_record,
    xmp_pdfa_part,
)

SECRETARY = "Nguyễn Thị Thư Ký"
CHAIR = "Phạm Minh Chính"
CHAIR_CAPACITY = "TM. CHÍNH PHỦ / THỦ TƯỚNG"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    keys_dir = tmp_path_factory.mktemp("keys")
    ca = create_demo_ca(keys_dir)
    secretary = user_p12_path(keys_dir, "thuky@vpcp.gov.vn")
    chair = user_p12_path(keys_dir, "thutuong@chinhphu.vn")
    issue_user_p12(
        ca, secretary, name=SECRETARY, ministry="Văn phòng Chính phủ", passphrase="mat-khau-ky-1"
    )
    issue_user_p12(ca, chair, name=CHAIR, ministry="Chính phủ", passphrase="mat-khau-ky-2")
    return {
        "dir": keys_dir,
        "ca": ca,
        "secretary": Pkcs12Signer(secretary, "mat-khau-ky-1"),
        "chair": Pkcs12Signer(chair, "mat-khau-ky-2"),
        "nss": nss_db_trusting(tmp_path_factory.mktemp("nss"), ca.cert),
    }


def sign_secretary(pdf: bytes, pki) -> bytes:
    return sign_pdf(
        pdf,
        pki["secretary"],
        field_name="secretary",
        page=0,
        box=SECRETARY_BOX,
        signer_name=SECRETARY,
        capacity="THƯ KÝ PHIÊN HỌP",
        certify=True,
        reserve=[CHAIR_SLOT],
    )


def sign_chair(pdf: bytes, pki, field_name: str = "chair") -> bytes:
    return sign_pdf(
        pdf,
        pki["chair"],
        field_name=field_name,
        page=0,
        box=CHAIR_BOX,
        signer_name=CHAIR,
        capacity=CHAIR_CAPACITY,
        certify=False,
    )


@pytest.fixture(scope="module")
def signed(pki, tmp_path_factory):
    original = sample_record()
    after_secretary = sign_secretary(original, pki)
    both = sign_chair(after_secretary, pki)
    path = tmp_path_factory.mktemp("signed") / "minutes-signed.pdf"
    path.write_bytes(both)
    return {"original": original, "secretary": after_secretary, "both": both, "path": path}


def test_signatures_are_incremental_updates(signed):
    assert signed["secretary"].startswith(signed["original"])
    assert signed["both"].startswith(signed["secretary"])


def test_pyhanko_validates_both_signatures(signed, pki):
    report = verify_pdf(signed["both"], [pki["ca"].cert])
    assert report.ok
    secretary, chair = report.signatures
    assert (secretary.field_name, secretary.signer_name) == ("secretary", SECRETARY)
    assert (chair.field_name, chair.signer_name) == ("chair", CHAIR)
    for sig in report.signatures:
        assert sig.intact and sig.valid and sig.trusted
        assert sig.signing_time is not None
        assert not sig.timestamped
    assert secretary.certifying and secretary.docmdp_level == "fill_forms"
    assert secretary.coverage == "entire_revision"
    assert secretary.modification_level == "form_filling"
    assert secretary.changed_fields == ("chair",)
    assert not chair.certifying and chair.docmdp_level is None
    assert chair.coverage == "entire_file"
    assert chair.modification_level == "none"
    assert secretary.signing_time <= chair.signing_time


def test_report_to_dict_is_json_ready(signed, pki):
    data = verify_pdf(signed["both"], [pki["ca"].cert]).to_dict()
    assert data["ok"] is True
    assert [s["field_name"] for s in data["signatures"]] == ["secretary", "chair"]
    assert isinstance(data["signatures"][0]["signing_time"], str)
    assert data["signatures"][0]["changed_fields"] == ["chair"]


def test_pdfsig_reports_both_valid_and_trusted(signed, pki):
    result = pdfsig(signed["path"], pki["nss"])
    assert set(result) == {"secretary", "chair"}
    for fields in result.values():
        assert fields["Signature Validation"] == "Signature is Valid."
        assert fields["Certificate Validation"] == "Certificate is Trusted."
        assert fields["Signature Type"] == "ETSI.CAdES.detached"
    assert result["chair"]["Signer Certificate Common Name"] == CHAIR


def test_untrusted_root_is_reported(signed, tmp_path):
    other_ca = create_demo_ca(tmp_path, common_name="Some Other CA")
    report = verify_pdf(signed["both"], [other_ca.cert])
    assert not report.ok
    assert all(s.intact and s.valid and not s.trusted for s in report.signatures)


def _tamper(data: bytes) -> bytes:
    # The first revision's /Producer string is inside both signatures' byte ranges.
    offset = data.index(b"(WeasyPrint") + 1
    assert data[offset : offset + 1] == b"W"
    return data[:offset] + b"X" + data[offset + 1 :]


def test_one_changed_byte_fails_both_validators(signed, pki, tmp_path):
    tampered = _tamper(signed["both"])
    report = verify_pdf(tampered, [pki["ca"].cert])
    assert not report.ok
    assert [s.intact for s in report.signatures] == [False, False]

    path = tmp_path / "tampered.pdf"
    path.write_bytes(tampered)
    result = pdfsig(path, pki["nss"])
    assert set(result) == {"secretary", "chair"}
    for fields in result.values():
        assert fields["Signature Validation"] == "Digest Mismatch."


def test_signed_pdf_keeps_pdfa_identification_and_embedded_fonts(signed):
    assert xmp_pdfa_part(signed["both"]) == ("3", "B")
    rows = pdffonts_rows(signed["path"])
    assert all(row[-5] == "yes" for row in rows)
    # the stamps' font is the embedded record serif
    assert any("LiberationSerif" in row[0] for row in rows)
    catalog = PdfReader(BytesIO(signed["both"])).trailer["/Root"]
    assert catalog["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert "/Perms" in catalog and "/DocMDP" in catalog["/Perms"]


def test_stamps_are_printable_widgets_with_appearance(signed):
    page = PdfReader(BytesIO(signed["both"])).pages[0]
    widgets = {a.get_object()["/T"]: a.get_object() for a in page["/Annots"]}
    assert set(widgets) == {"secretary", "chair"}
    for widget in widgets.values():
        assert widget["/F"] & 4  # Print flag, required by PDF/A
        assert "/N" in widget["/AP"]
    assert [round(float(v)) for v in widgets["chair"]["/Rect"]] == [320, 60, 540, 130]


def test_new_field_after_certification_breaks_the_certification(signed, pki):
    # The secretary's DocMDP allows filling reserved fields only, not adding new ones.
    extra = sign_chair(signed["secretary"], pki, field_name="intruder")
    report = verify_pdf(extra, [pki["ca"].cert])
    assert not report.ok
    assert report.signatures[0].modification_level == "other"


def test_certification_must_be_the_first_signature(signed, pki):
    with pytest.raises(SigningFailed, match="first"):
        sign_secretary(signed["both"], pki)


def test_reserved_field_name_must_be_new(pki):
    with pytest.raises(SigningFailed, match="exists"):
        sign_pdf(
            sample_record(),
            pki["secretary"],
            field_name="chair",
            page=0,
            box=SECRETARY_BOX,
            signer_name=SECRETARY,
            capacity="THƯ KÝ",
            certify=True,
            reserve=[CHAIR_SLOT],
        )


def test_wrong_passphrase_is_refused(pki):
    backend = Pkcs12Signer(pki["chair"].p12_path, "not-the-passphrase")
    assert isinstance(backend, SignerBackend)
    with pytest.raises(SignerUnavailable, match="passphrase"):
        sign_chair(sample_record(), {"chair": backend})


def test_unsigned_and_garbage_files_do_not_verify(pki):
    assert not verify_pdf(sample_record(), [pki["ca"].cert]).ok
    report = verify_pdf(b"not a pdf at all", [pki["ca"].cert])
    assert not report.ok and report.error


def test_issued_certificate_profile(pki):
    info = read_p12(pki["secretary"].p12_path.read_bytes(), "mat-khau-ky-1")
    assert info.common_name == SECRETARY
    assert info.organization == "Văn phòng Chính phủ"
    usage = info.cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    # two tiers: the issuing CA signs the signers, the root (the trust anchor) the issuing CA
    issuing = pki["ca"].issuing.cert
    assert info.cert.issuer == issuing.subject and issuing.issuer == pki["ca"].cert.subject
    assert [c.subject for c in info.chain] == [issuing.subject, pki["ca"].cert.subject]
    assert pki["secretary"].p12_path.stat().st_mode & 0o077 == 0


def test_demo_ca_reloads_and_is_not_overwritten(pki):
    again = load_demo_ca(pki["dir"])
    assert again.cert == pki["ca"].cert
    with pytest.raises(KeystoreError, match="exists"):
        create_demo_ca(pki["dir"])


def test_short_passphrase_is_refused(pki, tmp_path):
    with pytest.raises(KeystoreError, match="characters"):
        issue_user_p12(pki["ca"], tmp_path / "x.p12", name="A", ministry="B", passphrase="short")


def test_import_p12_validates_and_stores(pki, tmp_path):
    target = tmp_path / "imported.p12"
    info = import_p12(pki["chair"].p12_path, target, passphrase="mat-khau-ky-2")
    assert info.common_name == CHAIR
    assert target.read_bytes() == pki["chair"].p12_path.read_bytes()
    with pytest.raises(KeystoreError, match="passphrase"):
        import_p12(pki["chair"].p12_path, tmp_path / "no.p12", passphrase="wrong-passphrase")
    assert not (tmp_path / "no.p12").exists()


def test_import_p12_without_key_is_refused(pki, tmp_path):
    certs_only = pkcs12.serialize_key_and_certificates(
        name=None,
        key=None,
        cert=None,
        cas=[pki["ca"].cert],
        encryption_algorithm=serialization.BestAvailableEncryption(b"passphrase-123"),
    )
    with pytest.raises(KeystoreError, match="private key"):
        import_p12(certs_only, tmp_path / "x.p12", passphrase="passphrase-123")


def test_keys_cli_create_issue_import(tmp_path, monkeypatch):
    import cabinet.signing.cli as signing_cli

    monkeypatch.setattr(signing_cli, "_user_lookup", None)  # the app may have installed one
    runner = CliRunner()
    keys_dir = str(tmp_path / "k")
    result = runner.invoke(keys, ["create-ca", "--keys-dir", keys_dir])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        keys,
        ["issue", "bt@mof.gov.vn", "--keys-dir", keys_dir, "--name", "Hồ Đức Phớc"],
        input="passphrase-42\npassphrase-42\n",
    )
    assert result.exit_code == 2 and "--ministry" in result.output

    set_user_lookup(lambda email: ("Hồ Đức Phớc", "Bộ Tài chính"))
    try:
        result = runner.invoke(
            keys,
            ["issue", "bt@mof.gov.vn", "--keys-dir", keys_dir],
            input="passphrase-42\npassphrase-42\n",
        )
    finally:
        set_user_lookup(None)  # monkeypatch restores the app's lookup afterwards
    assert result.exit_code == 0, result.output
    p12 = user_p12_path(tmp_path / "k", "bt@mof.gov.vn")
    info = read_p12(p12.read_bytes(), "passphrase-42")
    subject = info.cert.subject
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Bộ Tài chính"

    result = runner.invoke(
        keys,
        ["import-p12", "other@mof.gov.vn", str(p12), "--keys-dir", keys_dir],
        input="passphrase-42\n",
    )
    assert result.exit_code == 0, result.output
    assert "Hồ Đức Phớc" in result.output
    result = runner.invoke(
        keys,
        ["import-p12", "third@mof.gov.vn", str(p12), "--keys-dir", keys_dir],
        input="wrong-one\n",
    )
    assert result.exit_code == 1 and "passphrase" in result.output


def test_verify_command_exit_codes(signed, pki, tmp_path, capsys):
    roots = [pki["ca"].cert]
    assert verify_command(signed["path"], roots) == 0
    out = capsys.readouterr().out
    assert CHAIR in out and "DOCUMENT OK" in out and "entire file" in out

    tampered = tmp_path / "t.pdf"
    tampered.write_bytes(_tamper(signed["both"]))
    assert verify_command(tampered, roots) == 1
    assert "DOCUMENT NOT VERIFIED" in capsys.readouterr().out

    other = create_demo_ca(tmp_path / "o", common_name="Other")
    assert verify_command(signed["path"], [other.cert]) == 1
    assert "trusted: NO" in capsys.readouterr().out

    garbage = tmp_path / "g.pdf"
    garbage.write_bytes(b"garbage")
    assert verify_command(garbage, roots) == 2
    assert verify_command(tmp_path / "missing.pdf", roots) == 2


def test_pdfsig_is_available():
    # The validators above rely on poppler-utils and libnss3-tools being installed.
    subprocess.run(["pdfsig", "-v"], check=True, capture_output=True)
    subprocess.run(["certutil", "-H"], capture_output=True)


def test_stamp_font_widths_are_in_thousandths_of_an_em(signed):
    # Raw 2048-unit widths (Liberation's own) would spread the stamp's glyphs and clip the text.
    page = PdfReader(BytesIO(signed["both"])).pages[0]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object()["/T"] == "chair")
    appearance = widget["/AP"]["/N"].get_object()

    def fonts(xobject):
        resources = xobject.get("/Resources", {})
        for font in resources.get("/Font", {}).values():
            yield font.get_object()
        for inner in resources.get("/XObject", {}).values():
            yield from fonts(inner.get_object())

    widths = []
    for font in fonts(appearance):
        cid_font = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in cid_font["/FontDescriptor"]
        widths += [w for entry in cid_font["/W"] if isinstance(entry, list) for w in entry]
    assert widths and max(widths) <= 1000 and min(widths) > 100
