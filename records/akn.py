"""Akoma Ntoso 3.0 twins of the records: minutes as ``<debate>``, resolutions as ``<statement>``.

Built with ElementTree (always well-formed, every text escaped). The FRBR identification follows
the AKN naming convention: ``/akn/vn/<doctype>/<author>/<date>/<number>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from cabinet.dates import decree30_date

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
ET.register_namespace("", NS)


def _el(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: Any) -> ET.Element:
    attrs = {k.rstrip("_"): str(v) for k, v in attrs.items() if v is not None}
    node = (
        ET.Element(f"{{{NS}}}{tag}", attrs)
        if parent is None
        else ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    )
    if text:
        node.text = text
    return node


def _identification(
    meta: ET.Element, doctype: str, day: str, number: str, name: str, generated: str
) -> None:
    work = f"/akn/vn/{doctype}/cp/{day}/{number}"
    ident = _el(meta, "identification", source="#vpcp")
    frbr = _el(ident, "FRBRWork")
    _el(frbr, "FRBRthis", value=f"{work}/!main")
    _el(frbr, "FRBRuri", value=work)
    _el(frbr, "FRBRdate", date=day, name=name)
    _el(frbr, "FRBRauthor", href="#cp", as_="#author")
    _el(frbr, "FRBRcountry", value="vn")
    _el(frbr, "FRBRnumber", value=number)
    expr = _el(ident, "FRBRExpression")
    _el(expr, "FRBRthis", value=f"{work}/vie@/!main")
    _el(expr, "FRBRuri", value=f"{work}/vie@")
    _el(expr, "FRBRdate", date=day, name=name)
    _el(expr, "FRBRauthor", href="#vpcp", as_="#editor")
    _el(expr, "FRBRlanguage", language="vie")
    man = _el(ident, "FRBRManifestation")
    _el(man, "FRBRthis", value=f"{work}/vie@/!main.xml")
    _el(man, "FRBRuri", value=f"{work}/vie@/main.xml")
    _el(man, "FRBRdate", date=generated, name="generation")
    _el(man, "FRBRauthor", href="#ecabinet", as_="#generator")


def _references(meta: ET.Element, people: dict[int, str]) -> None:
    refs = _el(meta, "references", source="#vpcp")
    _el(
        refs,
        "TLCOrganization",
        eId="cp",
        href="/akn/ontology/organizations/vn/chinhPhu",
        showAs="Chính phủ",
    )
    _el(
        refs,
        "TLCOrganization",
        eId="vpcp",
        href="/akn/ontology/organizations/vn/vanPhongChinhPhu",
        showAs="Văn phòng Chính phủ",
    )
    _el(
        refs,
        "TLCOrganization",
        eId="ecabinet",
        href="/akn/ontology/organizations/vn/eCabinet",
        showAs="e-Cabinet",
    )
    for pid, name in people.items():
        _el(refs, "TLCPerson", eId=f"p{pid}", href=f"/akn/ontology/persons/vn/{pid}", showAs=name)
    _el(refs, "TLCRole", eId="author", href="/akn/ontology/roles/author", showAs="Author")
    _el(refs, "TLCRole", eId="editor", href="/akn/ontology/roles/editor", showAs="Editor")
    _el(refs, "TLCRole", eId="generator", href="/akn/ontology/roles/generator", showAs="Generator")


def _paras(parent: ET.Element, text: str) -> None:
    """One ``<p>`` per paragraph of a plain text (paragraphs are separated by a blank line)."""
    for para in (text or "").split("\n\n") or [""]:
        _el(parent, "p", para)


def _summary(parent: ET.Element, lines: list[str], **attrs: Any) -> ET.Element:
    """A debate ``<summary>``: its content model is inline, so lines are separated by ``<eol/>``
    (a ``<p>`` inside it is invalid against akomantoso30.xsd)."""
    node = _el(parent, "summary", **attrs)
    flat = [part for line in lines for part in line.split("\n") if part.strip()]
    node.text = flat[0] if flat else ""
    for line in flat[1:]:
        _el(node, "eol").tail = line
    return node


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def minutes_akn(content: dict[str, Any], *, number: str, generated: date) -> bytes:
    """The minutes as an AKN ``debate``: roll call, one debate section per agenda item."""
    meeting = content["meeting"]
    day = meeting.get("date") or generated.isoformat()
    people: dict[int, str] = {}
    for group in ("present", "absent", "invitees"):
        for person in content["attendance"][group]:
            people[person["id"]] = person["name"]
    for entry in content["attendance"]["deputies"]:
        people[entry["deputy"]["id"]] = entry["deputy"]["name"]
    for item in content["items"]:
        for speaker in item["speakers"]:
            people[speaker["id"]] = speaker["name"]
    for key in ("chair", "secretary"):
        if content.get(key):
            people[content[key]["id"]] = content[key]["name"]

    root = _el(None, "akomaNtoso")
    debate = _el(root, "debate", name="bienBanPhienHop")
    meta = _el(debate, "meta")
    _identification(
        meta,
        "debate",
        day,
        number.replace("/", "-") or str(meeting["id"]),
        "session",
        generated.isoformat(),
    )
    _references(meta, people)

    preface = _el(debate, "preface")
    _el(preface, "p", f"BIÊN BẢN {meeting['title'].upper()}")
    if number:
        _el(preface, "p", f"Số: {number}")
    place = (
        f"Thời gian: {meeting['start_text']}, {meeting['date_text']}. Địa điểm: {meeting['place']}."
    )
    _el(preface, "p", place)

    body = _el(debate, "debateBody")
    roll = _el(body, "rollCall", eId="rollCall")
    _el(roll, "heading", "Thành phần tham dự")
    if content.get("chair"):
        _el(
            _el(roll, "p", "Chủ tọa: "),
            "person",
            content["chair"]["name"],
            refersTo=f"#p{content['chair']['id']}",
        )
    for label, group in (("Có mặt", "present"), ("Vắng mặt", "absent"), ("Khách mời", "invitees")):
        para = _el(roll, "p", f"{label} ({len(content['attendance'][group])}): ")
        for person in content["attendance"][group]:
            _el(para, "person", person["name"], refersTo=f"#p{person['id']}").tail = "; "
    for entry in content["attendance"]["deputies"]:
        para = _el(roll, "p", "Dự thay: ")
        _el(
            para, "person", entry["deputy"]["name"], refersTo=f"#p{entry['deputy']['id']}"
        ).tail = " thay "
        _el(para, "person", entry["for"]["name"], refersTo=f"#p{entry['for']['id']}")

    if content.get("opening"):
        _paras(_el(body, "debateSection", eId="opening", name="opening"), content["opening"])
    for item in content["items"]:
        section = _el(body, "debateSection", eId=f"dbsect_{item['position']}", name="agendaItem")
        _el(section, "num", str(item["position"]))
        _el(section, "heading", item["title"])
        if item["ministry"]:
            _el(section, "p", f"Cơ quan trình: {item['ministry']}")
        for paper in item["papers"]:
            _el(section, "p", f"Tài liệu: {paper}")
        for n, speaker in enumerate(item["speakers"], start=1):
            speech = _el(
                section,
                "speech",
                eId=f"dbsect_{item['position']}__spc_{n}",
                by=f"#p{speaker['id']}",
            )
            _el(speech, "from", speaker["name"])
            _paras(speech, speaker.get("summary") or f"({speaker['capacity']})")
        for n, vote in enumerate(item["votes"], start=1):
            _summary(
                section,
                [
                    f"{vote['question']} — tán thành {vote['approve']}, không tán thành "
                    f"{vote['disapprove']}, không biểu quyết {vote['abstain']}, chưa biểu quyết "
                    f"{vote['not_voted']}; quy tắc: {vote['rule_text']}. {vote['outcome_text']}",
                    *(f"{c['name']}: {c['choice_text']}" for c in vote["choices"] or []),
                ],
                eId=f"dbsect_{item['position']}__vote_{n}",
            )
        for key in ("conclusion", "decision"):
            if item.get(key):
                _summary(section, [item[key]], eId=f"dbsect_{item['position']}__{key}")
    if content.get("closing"):
        _paras(_el(body, "debateSection", eId="closing", name="closing"), content["closing"])
    return _serialize(root)


def statement_akn(
    content: dict[str, Any], *, number: str, title: str, day: date, generated: date
) -> bytes:
    """A resolution as an AKN ``statement``: preface, preamble (bases), articles, conclusions."""
    root = _el(None, "akomaNtoso")
    statement = _el(root, "statement", name="nghiQuyet")
    meta = _el(statement, "meta")
    _identification(
        meta,
        "statement",
        day.isoformat(),
        number.replace("/", "-") or "draft",
        "adoption",
        generated.isoformat(),
    )
    signer = content.get("signer") or {}
    _references(meta, {0: signer.get("name", "")} if signer.get("name") else {})

    preface = _el(statement, "preface")
    _el(_el(preface, "p"), "docAuthority", content.get("issuer", "CHÍNH PHỦ"))
    _el(_el(preface, "p", "Số: "), "docNumber", number or "(chưa cấp số)")
    _el(
        _el(preface, "p", f"{content.get('place', 'Hà Nội')}, "),
        "docDate",
        decree30_date(day),
        date=day.isoformat(),
    )
    _el(_el(preface, "p"), "docType", content.get("type_name", "NGHỊ QUYẾT"))
    _el(_el(preface, "p"), "docTitle", title)

    preamble = _el(statement, "preamble")
    for basis in content.get("bases", []):
        _el(preamble, "p", basis)
    _el(preamble, "formula", name="enactingFormula").append(_el(None, "p", "QUYẾT NGHỊ:"))

    body = _el(statement, "mainBody")
    for n, article in enumerate(content.get("articles", []), start=1):
        node = _el(body, "article", eId=f"art_{n}")
        _el(node, "num", f"Điều {n}.")
        if article.get("heading"):
            _el(node, "heading", article["heading"])
        _paras(_el(node, "content"), article["text"])

    conclusions = _el(statement, "conclusions")
    sign = _el(conclusions, "blockContainer", eId="signature")
    _el(sign, "p", signer.get("capacity", ""))
    _el(sign, "p", signer.get("title", ""))
    if signer.get("name"):
        _el(_el(sign, "p"), "signature").append(_el(None, "person", signer["name"], refersTo="#p0"))
    recipients = _el(conclusions, "blockContainer", eId="recipients")
    _el(recipients, "p", "Nơi nhận:")
    for line in content.get("recipients", []):
        _el(recipients, "p", f"- {line}")
    return _serialize(root)
