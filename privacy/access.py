"""The only way a view loads a privacy register entry for a person.

Whoever reads the registers (READ_PRIVACY_REGISTERS: the data protection officer, the head of
agency) sees every entry's kind, dates, status and counts; only whoever keeps them
(MANAGE_PRIVACY_REGISTERS: the DPO) reads their free text, which can name a person. For the
others the encrypted columns are never loaded, so never decrypted. A missing entry is 404.
"""

from uuid import UUID

from django.http import Http404

from accounts.capabilities import Capability, user_can

from .models import Breach, DataSubjectRequest

REQUEST_TEXT_FIELDS = ("description", "decision_note")
BREACH_TEXT_FIELDS = ("what_happened", "measures")


def reads_text(user) -> bool:
    return user_can(user, Capability.MANAGE_PRIVACY_REGISTERS)


def requests_for(user):
    if not user_can(user, Capability.READ_PRIVACY_REGISTERS):
        return DataSubjectRequest.objects.none()
    entries = DataSubjectRequest.objects.select_related("handled_by")
    return entries if reads_text(user) else entries.defer(*REQUEST_TEXT_FIELDS)


def breaches_for(user):
    if not user_can(user, Capability.READ_PRIVACY_REGISTERS):
        return Breach.objects.none()
    return Breach.objects.all() if reads_text(user) else Breach.objects.defer(*BREACH_TEXT_FIELDS)


def access_request(user, uuid: UUID) -> DataSubjectRequest:
    entry = requests_for(user).filter(uuid=uuid).first()
    if entry is None:
        raise Http404
    return entry


def access_breach(user, uuid: UUID) -> Breach:
    entry = breaches_for(user).filter(uuid=uuid).first()
    if entry is None:
        raise Http404
    return entry
