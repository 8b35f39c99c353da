"""Uploads through the application, on both databases: a file is its uploader's, and evidence takes it as recorded."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain import ids
from domain.application import Corral
from domain.evidence import Attachment, Evidence
from domain.submission import Submission
from domain.upload import AttachmentNotUploadedError, Upload
from tests.builders import ON_TIME, ACUTE, ACUTE_ID, COMMUNITY, COMMUNITY_ID, narrative_milestone
from tests.integration.given import agreed_scheme, event_names

AUDIT = Attachment("ab" * 32, "audit.pdf", 12_345, "application/pdf")
CLAIMED = Attachment(AUDIT.sha256, "audit.html", 1, "text/html")


def words(error: pytest.ExceptionInfo[AttachmentNotUploadedError], sha256: str) -> str:
    return str(error.value).replace(sha256, "<sha256>")


def test_evidence_takes_each_files_name_size_and_type_from_its_upload_never_from_the_caller(app: Corral) -> None:
    scheme_id = agreed_scheme(app).scheme_id
    app.record_upload(COMMUNITY, AUDIT)

    submission_id = app.submit_evidence(COMMUNITY, scheme_id, "M1", Evidence("Audit.", attachments=(CLAIMED,))).id

    assert app.submission(submission_id).evidence().attachments == (AUDIT,)


def test_naming_a_file_another_organisation_uploaded_is_refused_exactly_as_naming_one_nobody_uploaded(
    app: Corral,
) -> None:
    scheme_id = agreed_scheme(app).scheme_id
    app.record_upload(COMMUNITY, AUDIT)
    unknown = replace(AUDIT, sha256="cd" * 32)

    with pytest.raises(AttachmentNotUploadedError) as neighbours:
        app.submit_evidence(ACUTE, scheme_id, "M1", Evidence("Audit.", attachments=(AUDIT,)))
    with pytest.raises(AttachmentNotUploadedError) as nobodys:
        app.submit_evidence(ACUTE, scheme_id, "M1", Evidence("Audit.", attachments=(unknown,)))

    assert words(neighbours, AUDIT.sha256) == words(nobodys, unknown.sha256)
    assert not app.exists(ids.submission_id(scheme_id, "M1", ACUTE_ID))


def test_a_revision_keeps_a_file_an_earlier_revision_holds_but_names_no_one_elses(app: Corral) -> None:
    scheme_id = agreed_scheme(app, narrative_milestone("M1")).scheme_id
    # Evidence recorded before uploads were: its files have no upload record.
    legacy = Submission.submit(
        COMMUNITY,
        app.scheme(scheme_id).programme_id,
        scheme_id,
        COMMUNITY_ID,
        app.scheme(scheme_id).agreed_terms.milestone("M1"),
        Evidence("Audit.", attachments=(AUDIT,)),
        today=ON_TIME,
    )
    app.save(legacy)
    app.record_upload(ACUTE, replace(AUDIT, sha256="cd" * 32))

    app.revise_evidence(COMMUNITY, legacy.id, Evidence("Audit, kept.", attachments=(AUDIT,)), "kept the audit")
    acute_file = replace(AUDIT, sha256="cd" * 32)
    with pytest.raises(AttachmentNotUploadedError):
        app.revise_evidence(COMMUNITY, legacy.id, Evidence("Audit.", attachments=(acute_file,)), "ACUTE's file")

    assert app.submission(legacy.id).evidence().attachments == (AUDIT,)


def test_the_same_file_uploaded_again_by_the_same_organisation_is_recorded_again_not_refused(app: Corral) -> None:
    agreed_scheme(app)
    first = app.record_upload(COMMUNITY, AUDIT)

    again = app.record_upload(COMMUNITY, replace(AUDIT, name="audit-june.pdf"))

    assert first.id == again.id == ids.upload_id(COMMUNITY_ID, AUDIT.sha256)
    assert event_names(app, first.id) == ["FileUploaded", "FileUploadedAgain"]
    assert app.repository.get(first.id).attachment.name == "audit-june.pdf"
    assert isinstance(app.repository.get(first.id), Upload)
