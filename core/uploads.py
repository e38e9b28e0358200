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
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParserError

# What Django raises while reading a body it will not read (more than DATA_UPLOAD_MAX_NUMBER_FILES
# files or DATA_UPLOAD_MAX_NUMBER_FIELDS fields, more than DATA_UPLOAD_MAX_MEMORY_SIZE outside
# files, a broken multipart body), and turns into its bare English "Bad Request (400)" page.
UNREADABLE_BODY_ERRORS = (TooManyFilesSent, TooManyFieldsSent, RequestDataTooBig, MultiPartParserError)


def unreadable_post(request) -> Exception | None:
    """Read the posted form now: None if it could be read, else the error, so that the view
    can answer in the user's language (its request.POST and FILES are then empty)."""
    try:
        request.POST  # noqa: B018 (reading is the point)
        request.FILES  # noqa: B018
    except UNREADABLE_BODY_ERRORS as error:
        return error
    return None


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
