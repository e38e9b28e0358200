from core.audit import AuditAction


class WhatsAppAction(AuditAction):
    # A number forgotten by the retention schedule (whatsapp.retention): the audit row names the
    # contact's id and the reports it had, never the number.
    NUMBER_FORGOTTEN = "whatsapp.number_forgotten"
