"""The demo cabinet: a realistic (fictional) Vietnamese government for first runs and demos.

Names are invented; offices follow the structure of the Government of Viet Nam since the 2025
reorganisation (Resolution 176/2025/QH15): 14 ministries and 3 ministry-level agencies. The
ministries merged that year (Kế hoạch và Đầu tư, Lao động - Thương binh và Xã hội, Thông tin và
Truyền thông, Giao thông vận tải, Tài nguyên và Môi trường, Nông nghiệp và Phát triển nông thôn,
Ủy ban Dân tộc) do not appear.
"""

from __future__ import annotations

import secrets

from flask import current_app, g
from sqlalchemy import select

from cabinet.db import db
from cabinet.users.models import Role, User
from cabinet.users.services import add_seat, create_user

# (name, title, ministry, e-mail local part, extra roles)
CABINET = [
    ("Trần Quốc Hưng", "Thủ tướng Chính phủ", "Chính phủ", "thutuong", {Role.CHAIR}),
    ("Lê Minh Khôi", "Phó Thủ tướng Thường trực", "Chính phủ", "ptt.thuongtruc", set()),
    ("Nguyễn Thị Thanh Hà", "Phó Thủ tướng", "Chính phủ", "ptt.ha", set()),
    ("Phạm Đức Thắng", "Phó Thủ tướng", "Chính phủ", "ptt.thang", set()),
    ("Võ Văn Quang", "Phó Thủ tướng", "Chính phủ", "ptt.quang", set()),
    ("Hoàng Minh Tuấn", "Phó Thủ tướng", "Chính phủ", "ptt.tuan", set()),
    ("Đặng Thị Lan Anh", "Phó Thủ tướng", "Chính phủ", "ptt.lananh", set()),
    ("Nguyễn Chí Thành", "Phó Thủ tướng", "Chính phủ", "ptt.thanh", set()),
    ("Bùi Quang Vinh", "Bộ trưởng", "Bộ Quốc phòng", "bqp", set()),
    ("Ngô Xuân Trường", "Bộ trưởng", "Bộ Công an", "bca", set()),
    ("Đỗ Thị Mai Phương", "Bộ trưởng", "Bộ Ngoại giao", "bng", set()),
    ("Trịnh Văn Hải", "Bộ trưởng", "Bộ Nội vụ", "bnv", set()),
    ("Lý Thị Hồng Nhung", "Bộ trưởng", "Bộ Tư pháp", "btp", set()),
    ("Dương Đình Khánh", "Bộ trưởng", "Bộ Tài chính", "btc", set()),
    ("Mai Tiến Dũng", "Bộ trưởng", "Bộ Công Thương", "bct", set()),
    ("Tạ Thị Ngọc Bích", "Bộ trưởng", "Bộ Nông nghiệp và Môi trường", "bnnmt", set()),
    ("Châu Văn Lộc", "Bộ trưởng", "Bộ Xây dựng", "bxd", set()),
    ("Huỳnh Thị Kim Oanh", "Bộ trưởng", "Bộ Văn hóa, Thể thao và Du lịch", "bvhttdl", set()),
    ("Phan Thế Nghĩa", "Bộ trưởng", "Bộ Khoa học và Công nghệ", "bkhcn", set()),
    ("Lương Thị Thu Trang", "Bộ trưởng", "Bộ Giáo dục và Đào tạo", "bgddt", set()),
    ("Vũ Đức Toàn", "Bộ trưởng", "Bộ Y tế", "byt", set()),
    ("Kim Văn Sơn", "Bộ trưởng", "Bộ Dân tộc và Tôn giáo", "bdttg", set()),
    ("Tô Thị Hải Yến", "Thống đốc", "Ngân hàng Nhà nước Việt Nam", "nhnn", set()),
    ("Quách Minh Đức", "Tổng Thanh tra Chính phủ", "Thanh tra Chính phủ", "ttcp", set()),
    ("Đinh Công Bằng", "Bộ trưởng, Chủ nhiệm", "Văn phòng Chính phủ", "vpcp", set()),
]

# Vice-ministers who may attend in place of their minister (index into CABINET).
DEPUTIES = [
    (9, "Nguyễn Văn Tiến", "Thứ trưởng", "Bộ Công an", "tt.bca"),
    (13, "Trần Thị Bảo Ngọc", "Thứ trưởng", "Bộ Tài chính", "tt.btc"),
    (18, "Lê Hoàng Nam", "Thứ trưởng", "Bộ Khoa học và Công nghệ", "tt.bkhcn"),
    (20, "Phạm Thị Thu Hằng", "Thứ trưởng", "Bộ Y tế", "tt.byt"),
]

STAFF = [
    (
        "Nguyễn Thị Hương",
        "Vụ trưởng Vụ Tổng hợp",
        "Văn phòng Chính phủ",
        "thuky",
        {Role.SECRETARIAT},
    ),
    ("Trần Đức Minh", "Chuyên viên chính", "Văn phòng Chính phủ", "vanthu", {Role.SECRETARIAT}),
    ("Lê Quản Trị", "Quản trị hệ thống", "Văn phòng Chính phủ", "admin", {Role.ADMIN}),
    (
        "Võ Thị Khách",
        "Chủ tịch Ủy ban Trung ương MTTQ Việt Nam",
        "MTTQ Việt Nam",
        "khachmoi",
        {Role.INVITEE},
    ),
]

DOMAIN = "ecabinet.demo"


def _password() -> str:
    return secrets.token_urlsafe(9)


def seed_demo(password: str | None = None) -> list[tuple[str, str, str]]:
    """Create the demo cabinet; return (role, e-mail, password) of the logins to print once."""
    logins: list[tuple[str, str, str]] = []
    members = []
    for name, title, ministry, local, extra in CABINET:
        secret = password or _password()
        user = create_user(
            name=name,
            title=title,
            ministry=ministry,
            email=f"{local}@{DOMAIN}",
            password=secret,
            roles={Role.MEMBER, *extra},
            actor=None,
        )
        members.append(user)
        logins.append(
            (
                "Chủ tọa (Thủ tướng)" if Role.CHAIR in extra else f"Thành viên — {ministry}",
                user.email,
                secret,
            )
        )
    deputies = {}
    for index, name, title, ministry, local in DEPUTIES:
        secret = password or _password()
        deputies[index] = create_user(
            name=name,
            title=title,
            ministry=ministry,
            email=f"{local}@{DOMAIN}",
            password=secret,
            roles={Role.DEPUTY},
            actor=None,
        )
        logins.append((f"Người dự thay — {ministry}", deputies[index].email, secret))
    for position, user in enumerate(members, start=1):
        add_seat(user, deputy=deputies.get(position - 1), position=position)
    for name, title, ministry, local, roles in STAFF:
        secret = password or _password()
        user = create_user(
            name=name,
            title=title,
            ministry=ministry,
            email=f"{local}@{DOMAIN}",
            password=secret,
            roles=roles,
            actor=None,
        )
        label = {
            Role.SECRETARIAT: "Văn phòng Chính phủ",
            Role.ADMIN: "Quản trị",
            Role.INVITEE: "Khách mời",
        }[next(iter(roles))]
        logins.append((label, user.email, secret))
    g.demo_logins = logins  # later hooks read earlier ones' logins (the signing passphrases)
    for hook in current_app.extensions.get("ecabinet.demo_hooks", []):
        logins.extend(hook() or [])
    return logins


class People:
    """The demo cabinet's people by the local part of their e-mail (`thutuong`, `btc`, ...)."""

    def __init__(self) -> None:
        users = db.session.scalars(select(User).where(User.email.like(f"%@{DOMAIN}")))
        self.by_local = {u.email.split("@")[0]: u for u in users}

    def __getitem__(self, local: str) -> User:
        return self.by_local[local]
