"""Uploads: a file is recorded as its organisation's own, as the server found it; evidence names only those."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain import ids
from domain.errors import NotPermittedError
from domain.evidence import Attachment
from domain.organisation import OrganisationKind
from domain.upload import AttachmentNotUploadedError, Upload, as_uploaded
from projections.audit.context import Context, KnownOrganisation
from projections.audit.describe import describe
from projections.audit.uploads import file_size
from tests.builders import ACUTE, ACUTE_ID, ADMIN, AUDITOR, COMMISSIONER, COMMUNITY
from tests.unit.given import collected, event_names

AUDIT = Attachment("ab" * 32, "audit.pdf", 12_345, "application/pdf")


class Names:
    """The audit trail's memory of organisations, for describing events without a view."""

    def organisation(self, organisation_id: UUID) -> KnownOrganisation | None:
        if organisation_id == ACUTE_ID:
            return KnownOrganisation("South Devon Healthcare", OrganisationKind.PROVIDER)
        return None

    def context(self, aggregate_id: UUID) -> Context | None:
        return None

    def person(self, username: str) -> str:
        return ""


def test_an_upload_is_recorded_as_the_uploading_organisations_own_under_an_id_of_the_organisation_and_hash() -> None:
    upload = Upload.record(ACUTE, AUDIT)

    [uploaded] = collected(upload)
    assert isinstance(uploaded, Upload.FileUploaded)
    assert (uploaded.organisation_id, uploaded.attachment, uploaded.actor) == (ACUTE_ID, AUDIT, ACUTE)
    assert upload.id == ids.upload_id(ACUTE_ID, AUDIT.sha256) != ids.upload_id(COMMUNITY.organisation_id, AUDIT.sha256)


@pytest.mark.parametrize("actor", [COMMISSIONER, AUDITOR, ADMIN], ids=["commissioner", "auditor", "administrator"])
def test_only_provider_staff_upload_evidence_files(actor: object) -> None:
    with pytest.raises(NotPermittedError, match="only provider staff upload"):
        Upload.record(actor, AUDIT)  # type: ignore[arg-type]


def test_the_same_file_uploaded_again_is_recorded_again_and_the_latest_name_is_the_one_evidence_takes() -> None:
    upload = Upload.record(ACUTE, AUDIT)
    upload.collect_events()
    renamed = Attachment(AUDIT.sha256, "audit-q2.pdf", AUDIT.size, AUDIT.media_type)

    upload.record_again(ACUTE, renamed)

    assert event_names(upload) == ["FileUploadedAgain"]
    assert upload.attachment == renamed


def test_another_organisations_upload_of_the_same_file_is_not_recorded_on_this_ones() -> None:
    upload = Upload.record(ACUTE, AUDIT)

    with pytest.raises(NotPermittedError):
        upload.record_again(COMMUNITY, AUDIT)


def test_a_file_named_in_evidence_is_the_recorded_one_whatever_the_caller_claimed() -> None:
    assert as_uploaded([AUDIT.sha256], {AUDIT.sha256: AUDIT}) == (AUDIT,)


def test_a_file_not_uploaded_by_the_organisation_is_refused_in_words_that_do_not_say_whether_it_exists() -> None:
    with pytest.raises(AttachmentNotUploadedError) as refused:
        as_uploaded([AUDIT.sha256, "cd" * 32], {AUDIT.sha256: AUDIT})

    assert str(refused.value) == f"no file with SHA-256 {'cd' * 32} has been uploaded by your organisation"


def test_an_upload_is_described_with_the_organisation_the_file_its_kind_and_size_and_concerns_no_programme() -> None:
    [first] = collected(Upload.record(ACUTE, AUDIT))

    described = describe(first, Names())

    assert described.description == "South Devon Healthcare uploaded audit.pdf (PDF, 12 KB)"
    assert (described.programme_id, described.scheme_id, described.provider_id) == (None, None, ACUTE_ID)


@pytest.mark.parametrize("size,words", [(1, "1 byte"), (900, "900 bytes"), (12_345, "12 KB"), (3_565_158, "3.4 MB")])
def test_file_sizes_read_as_people_say_them(size: int, words: str) -> None:
    assert file_size(size) == words
