"""A file an organisation uploaded: what the server found in it, recorded as that organisation's own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.actors import Actor, Role
from domain.errors import DomainError, NotPermittedError
from domain.evidence import Attachment


class AttachmentNotUploadedError(DomainError):
    """Evidence names only files its own organisation uploaded, or that an earlier revision of it already holds."""

    field = "attachments"


class Upload(Aggregate):
    """One organisation's upload of one file, by SHA-256: its name, size and the type its content shows.

    Uploading the same file again is recorded too; the latest name is the one evidence takes.
    """

    class FileUploaded(Aggregate.Created):
        organisation_id: UUID
        attachment: Attachment
        actor: Actor

    class FileUploadedAgain(Aggregate.Event):
        attachment: Attachment
        actor: Actor

    @staticmethod
    def create_id(organisation_id: UUID, attachment: Attachment, **_: object) -> UUID:
        return ids.upload_id(organisation_id, attachment.sha256)

    @classmethod
    def record(cls, actor: Actor, attachment: Attachment) -> Upload:
        """Record a file the server has checked and stored, as the actor's organisation's upload."""
        _require_provider_staff(actor)
        created: Upload = cls(organisation_id=actor.organisation_id, attachment=attachment, actor=actor)
        return created

    @event(FileUploaded)
    def __init__(self, organisation_id: UUID, attachment: Attachment, actor: Actor) -> None:
        self.organisation_id = organisation_id
        self.attachment = attachment

    def record_again(self, actor: Actor, attachment: Attachment) -> None:
        """Record the same file uploaded again by the same organisation, perhaps under another name."""
        _require_provider_staff(actor)
        if actor.organisation_id != self.organisation_id or attachment.sha256 != self.attachment.sha256:
            raise NotPermittedError("an upload is recorded again only for the same file and organisation")
        self._uploaded_again(attachment=attachment, actor=actor)

    @event(FileUploadedAgain)
    def _uploaded_again(self, attachment: Attachment, actor: Actor) -> None:
        self.attachment = attachment


def _require_provider_staff(actor: Actor) -> None:
    if actor.role is not Role.PROVIDER:
        raise NotPermittedError("only provider staff upload evidence files")


def as_uploaded(named: Sequence[str], recorded: Mapping[str, Attachment]) -> tuple[Attachment, ...]:
    """Each named file as it was recorded; a file not recorded is refused alike whether it exists or not."""
    missing = next((sha256 for sha256 in named if sha256 not in recorded), None)
    if missing is not None:
        raise AttachmentNotUploadedError(f"no file with SHA-256 {missing} has been uploaded by your organisation")
    return tuple(recorded[sha256] for sha256 in named)
