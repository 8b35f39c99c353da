"""Use cases for uploaded files: recording an upload, and naming uploaded files in evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from domain import ids
from domain.actors import Actor
from domain.errors import AlreadyExistsError, ConcurrentChangeError
from domain.evidence import Attachment, Evidence
from domain.service import EventSourcedService, Recorded
from domain.submission import Submission
from domain.upload import Upload, as_uploaded

ATTEMPTS = 3  # the same file uploaded at once by two of the organisation's staff: record both, one after the other


class UploadService(EventSourcedService):
    """An organisation's files: the server checks and stores them; this layer records whose they are."""

    def record_upload(self, actor: Actor, attachment: Attachment) -> Recorded:
        """Provider staff uploaded a file: record what the server found (name, size, type by content) as theirs."""
        for _ in range(ATTEMPTS - 1):
            try:
                return self._record_upload(actor, attachment)
            except (AlreadyExistsError, ConcurrentChangeError):
                continue
        return self._record_upload(actor, attachment)

    def uploaded_attachments(
        self, actor: Actor, sha256s: Sequence[str], submission: Submission | None = None
    ) -> tuple[Attachment, ...]:
        """Each named file as the actor's organisation uploaded it (or an earlier revision holds it); else refused."""
        recorded: dict[str, Attachment] = {}
        if submission is not None:
            actor.require_provider(submission.provider_id)
            recorded |= {a.sha256: a for evidence in submission.revisions for a in evidence.attachments}
        for sha256 in sha256s:
            upload = self._find(Upload, ids.upload_id(actor.organisation_id, sha256))
            if upload is not None:
                recorded[sha256] = upload.attachment
        return as_uploaded(sha256s, recorded)

    def _record_upload(self, actor: Actor, attachment: Attachment) -> Recorded:
        upload = self._find(Upload, ids.upload_id(actor.organisation_id, attachment.sha256))
        if upload is None:
            return self._create(Upload.record(actor, attachment))
        upload.record_again(actor, attachment)
        return self._save(upload)

    def _as_uploaded(self, actor: Actor, evidence: Evidence, submission: Submission | None = None) -> Evidence:
        """The evidence with each attachment as the server recorded it, never as the caller described it."""
        named = [a.sha256 for a in evidence.attachments]
        return replace(evidence, attachments=self.uploaded_attachments(actor, named, submission))
