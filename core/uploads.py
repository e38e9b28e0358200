"""Uploads are kept in memory only, and only as much of them as the limits need.

Django's default handlers spill a request larger than FILE_UPLOAD_MAX_MEMORY_SIZE to
temporary files, which here would be children's photos in plain form, with their location
data still inside, on disk. This handler never writes to disk. It keeps at most one byte
more than the per-file limit of each file (enough for reports.attachments to say "too
big"), and nothing of the files past the allowed number (enough to say "too many"), so a
request's memory is bounded whatever it sends.
"""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class BoundedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.files_seen = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.file = BytesIO()
        self.room = settings.REPORT_ATTACHMENT_MAX_BYTES + 1
        if self.files_seen > settings.REPORT_ATTACHMENT_MAX_FILES:
            self.room = 1  # its existence is what matters: "too many files"

    def receive_data_chunk(self, raw_data, start):
        if self.room > 0:
            kept = raw_data[: self.room]
            self.file.write(kept)
            self.room -= len(kept)
        return None  # consumed: no other handler sees the data

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.file.getbuffer().nbytes,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
