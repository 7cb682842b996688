"""Attachments: what may be stored, how it is stored, who may download it and how."""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import stat
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from casework.accounts.roles import Role
from casework.attachments import storage
from casework.attachments.models import Attachment
from casework.attachments.services import add_attachments, clean_file_name
from casework.audit import AuditAction, AuditEntry
from casework.cases.models import AssignmentRole, CaseAssignment, Event, EventKind
from casework.extensions import db
from tests.factories import make_case, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def archive(*entries: tuple[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, text in entries:
            zipped.writestr(name, text)
    return buffer.getvalue()


DOCX = archive(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"))
# Written by another tool: libmagic sees only "a zip", the contents say DOCX.
DOCX_AS_ZIP = archive(
    ("_rels/.rels", "<r/>"), ("word/document.xml", "<w/>"), ("[Content_Types].xml", "<T/>")
)
ODT = archive(("mimetype", storage.ODT), ("content.xml", "<office:document-content/>"))
XLSX = archive(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>"))


def stored_files(app) -> list[Path]:
    return sorted(p for p in storage.storage_dir().rglob("*") if p.is_file())


def storage_upload(content: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name)


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("scan.pdf", PDF, storage.PDF),
        ("photo.JPG", JPEG, storage.JPEG),
        ("photo.jpeg", JPEG, storage.JPEG),
        ("photo.png", PNG, storage.PNG),
        ("letter.docx", DOCX, storage.DOCX),
        ("letter.docx", DOCX_AS_ZIP, storage.DOCX),
        ("letter.odt", ODT, storage.ODT),
    ],
)
def test_allowed_types_are_stored_with_hash_and_size(app, name, content, media_type):
    saved = storage.save(io.BytesIO(content), name)
    path = storage.path_for(saved.storage_name)
    assert saved.media_type == media_type
    assert (saved.size, saved.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert path.read_bytes() == content
    assert len(saved.storage_name) == 64
    assert name not in str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("letter.pdf", HTML),  # HTML disguised as PDF
        ("photo.png", JPEG),  # a real image, but not what the name says
        ("page.html", HTML),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("table.docx", XLSX),  # a spreadsheet named as a document
        ("bundle.docx", archive(("readme.txt", "hello"))),
        ("scan.pdf", b""),
        ("noextension", PDF),
    ],
)
def test_other_files_are_refused_and_nothing_is_left_behind(app, name, content):
    before = stored_files(app)
    with pytest.raises(storage.FileRejected):
        storage.save(io.BytesIO(content), name)
    assert stored_files(app) == before


def test_file_names_keep_no_directories():
    assert clean_file_name("C:\\Users\\me\\letter.pdf") == "letter.pdf"
    assert clean_file_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_file_name("x" * 300 + ".pdf").endswith("x.pdf")
    assert len(clean_file_name("x" * 300 + ".pdf")) == 255


def test_a_refused_file_in_a_batch_stores_none_of_it(app):
    case = make_case()
    uploads = [
        storage_upload(PDF, "good.pdf"),
        storage_upload(HTML, "bad.pdf"),
    ]
    before = stored_files(app)
    with pytest.raises(storage.FileRejected):
        add_attachments(case, uploads, actor=case.created_by)
    assert stored_files(app) == before


# -- over HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def assigned_case():
    caseworker = make_user(Role.CASEWORKER)
    case = make_case(assignees=(caseworker,))
    db.session.commit()
    return case, caseworker


def upload(client, case, *files: tuple[bytes, str]):
    data = {"files": [(io.BytesIO(content), name) for content, name in files]}
    return client.post(f"/cases/{case.id}/attachments", data=data)


def test_caseworker_uploads_files_from_the_case_page(client, login, assigned_case):
    case, caseworker = assigned_case
    login(caseworker)

    response = upload(client, case, (PDF, "scan.pdf"), (PNG, "photo.png"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    attachments = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    assert [(a.file_name, a.media_type, a.uploaded_by_id) for a in attachments] == [
        ("scan.pdf", storage.PDF, caseworker.id),
        ("photo.png", storage.PNG, caseworker.id),
    ]
    events = db.session.scalars(sa.select(Event.kind).where(Event.case_id == case.id)).all()
    assert events == [EventKind.ATTACHMENT_ADDED] * 2
    audited = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.ATTACHMENT_ADDED)
    ).all()
    assert [e.changes["sha256"] for e in audited] == [a.sha256 for a in attachments]


def test_case_page_lists_attachments_with_upload_form(client, login, assigned_case):
    case, caseworker = assigned_case
    login(caseworker)
    upload(client, case, (PDF, "scan.pdf"))
    attachment = db.session.scalar(sa.select(Attachment))

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert f'href="/attachments/{attachment.id}"' in page
    assert "scan.pdf" in page
    assert "PDF" in page
    assert caseworker.full_name in page
    assert f'action="/cases/{case.id}/attachments"' in page


def test_disguised_upload_is_refused_with_a_message(client, login, assigned_case):
    case, caseworker = assigned_case
    login(caseworker)

    response = upload(client, case, (HTML, "report.pdf"))

    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "report.pdf was refused" in page


def test_upload_over_the_size_limit_gets_the_friendly_413_page(
    app, client, login, assigned_case, monkeypatch
):
    case, caseworker = assigned_case
    login(caseworker)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)

    response = upload(client, case, (PDF + b"0" * 8192, "big.pdf"))

    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_lawyer_can_upload_only_to_assigned_cases(client, login, assigned_case):
    case, _caseworker = assigned_case
    lawyer = make_user(Role.LAWYER)
    db.session.commit()
    login(lawyer)
    assert upload(client, case, (PDF, "scan.pdf")).status_code == 403


def test_roles_without_upload_permission_are_refused(client, login, assigned_case):
    case, _caseworker = assigned_case
    auditor = make_user(Role.AUDITOR)
    db.session.commit()
    login(auditor)
    assert upload(client, case, (PDF, "scan.pdf")).status_code == 403


def test_upload_to_a_missing_case_is_404(client, login, assigned_case):
    login(assigned_case[1])
    assert client.post("/cases/999999/attachments", data={}).status_code == 404


# -- downloads ---------------------------------------------------------------------------------


@pytest.fixture
def stored_attachment(assigned_case):
    case, caseworker = assigned_case
    [attachment] = add_attachments(case, [storage_upload(PDF, "Жалоба №1.pdf")], actor=caseworker)
    db.session.commit()
    return attachment


def test_download_is_served_as_an_attachment(client, login, assigned_case, stored_attachment):
    login(assigned_case[1])

    response = client.get(f"/attachments/{stored_attachment.id}")

    assert response.status_code == 200
    assert response.data == PDF
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%D0%96%D0%B0%D0%BB%D0%BE%D0%B1%D0%B0" in disposition
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["Cache-Control"] == "no-store"


def test_lawyer_not_assigned_cannot_download(client, login, stored_attachment):
    lawyer = make_user(Role.LAWYER)
    db.session.commit()
    login(lawyer)
    assert client.get(f"/attachments/{stored_attachment.id}").status_code == 403


def test_assigned_lawyer_can_download(client, login, assigned_case, stored_attachment):
    lawyer = make_user(Role.LAWYER)
    case = assigned_case[0]
    case.assignments.append(CaseAssignment(user=lawyer, role=AssignmentRole.LAWYER))
    db.session.commit()
    login(lawyer)
    assert client.get(f"/attachments/{stored_attachment.id}").status_code == 200


def test_admin_cannot_download(client, login, stored_attachment):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    login(admin)
    assert client.get(f"/attachments/{stored_attachment.id}").status_code == 403


def test_tampered_file_is_not_served(client, login, assigned_case, stored_attachment, caplog):
    storage.path_for(stored_attachment.storage_name).write_bytes(HTML)
    login(assigned_case[1])

    with caplog.at_level(logging.ERROR):
        response = client.get(f"/attachments/{stored_attachment.id}")

    assert response.status_code == 500
    assert b"<script>" not in response.data
    assert "integrity failure" in caplog.text


def test_missing_attachment_is_404(client, login, assigned_case):
    login(assigned_case[1])
    assert client.get("/attachments/424242").status_code == 404


# -- file names and identity (a file often names the complainant) ------------------------------


def download_audits() -> list[AuditEntry]:
    db.session.rollback()  # what the requests committed, not this session's cache
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.ATTACHMENT_DOWNLOADED)
    ))


def test_upload_keeps_the_file_name_out_of_timeline_and_audit(client, login, assigned_case):
    case, caseworker = assigned_case
    login(caseworker)

    upload(client, case, (PDF, "Ivanov Ivan complaint.pdf"))

    attachment = db.session.scalar(sa.select(Attachment))
    facts = {
        "attachment_id": attachment.id, "media_type": storage.PDF, "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    event = db.session.scalar(sa.select(Event).where(Event.kind == EventKind.ATTACHMENT_ADDED))
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.ATTACHMENT_ADDED)
    )
    assert event.data == facts
    assert entry.changes == {"case_id": case.id, **facts}
    assert attachment.file_name == "Ivanov Ivan complaint.pdf"  # kept only on the file's row


def test_download_is_audited_by_hash_without_the_file_name(
    client, login, assigned_case, stored_attachment
):
    login(assigned_case[1])

    assert client.get(f"/attachments/{stored_attachment.id}").status_code == 200

    [entry] = download_audits()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        assigned_case[1].id, "attachments", stored_attachment.id,
    )
    assert entry.changes == {"case_id": assigned_case[0].id, "sha256": stored_attachment.sha256}


def test_unit_caseworker_not_assigned_cannot_download_nor_read_the_name(
    client, login, assigned_case, stored_attachment
):
    case = assigned_case[0]
    colleague = make_user(Role.CASEWORKER)  # same unit: reads the open case, sees no identities
    db.session.commit()
    login(colleague)

    refused = client.get(f"/attachments/{stored_attachment.id}")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert refused.status_code == 403
    assert download_audits() == []
    assert f"Document 1 (PDF, {len(PDF)} B)" in page
    assert "Жалоба" not in page  # neither in the list nor in the timeline
    assert f"/attachments/{stored_attachment.id}" not in page


def test_monitor_who_created_the_case_cannot_download_a_colleagues_file(client, login):
    monitor = make_user(Role.MONITOR)
    case = make_case(created_by=monitor)
    [other] = add_attachments(case, [storage_upload(PDF, "Жалоба.pdf")], actor=make_user())
    db.session.commit()
    login(monitor)

    assert client.get(f"/attachments/{other.id}").status_code == 403
    assert "Жалоба" not in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_uploader_may_download_their_own_file_only(client, login):
    monitor = make_user(Role.MONITOR)
    case = make_case(created_by=monitor)
    [theirs] = add_attachments(case, [storage_upload(PDF, "visit notes.pdf")], actor=monitor)
    [colleagues] = add_attachments(case, [storage_upload(PNG, "Жалоба.png")], actor=make_user())
    db.session.commit()
    login(monitor)

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert client.get(f"/attachments/{theirs.id}").status_code == 200
    assert client.get(f"/attachments/{colleagues.id}").status_code == 403
    assert f'href="/attachments/{theirs.id}"' in page
    assert "visit notes.pdf" in page
    assert f"Document 2 (PNG, {len(PNG)} B)" in page
    assert "Жалоба" not in page


def test_those_who_may_download_read_the_name_in_the_list_and_timeline(
    client, login, assigned_case, stored_attachment
):
    case, caseworker = assigned_case
    login(caseworker)

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)

    timeline = page[page.index('id="timeline-heading"'):]
    assert "Жалоба №1.pdf" in timeline
    assert f'href="/attachments/{stored_attachment.id}"' in page
    assert "Document 1" not in page


@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_files_live_only_as_long_as_the_rows_that_record_them(app, outcome):
    """A refused action or two saves crossing roll back: the files written go with them."""
    worker = make_user(Role.CASEWORKER)
    case = make_case(assignees=(worker,))
    db.session.commit()
    [attachment] = add_attachments(case, [storage_upload(PDF, "letter.pdf")], actor=worker)
    assert storage.path_for(attachment.storage_name).exists()
    getattr(db.session, outcome)()
    assert storage.path_for(attachment.storage_name).exists() is (outcome == "commit")
