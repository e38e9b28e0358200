"""Turn a reporter's uploads into checked, cleaned attachments, ready to be encrypted and stored.

Nothing here touches the database or the storage: `prepare_attachments` only reads the uploads
and either returns one `PreparedAttachment` per file or refuses them all with a `DomainError`
whose message a child can understand.

The type of a file is decided from its content only; the name and the declared content type
come from the reporter's phone and are ignored. `filetype` reads the magic bytes, and our own
checks cover what it gets wrong or does not check: its 3GP matcher looks at the wrong offset,
it calls an audio-only MP4 "video/mp4", it misses most HEIF brands, and its MP3, AAC and Ogg
matchers accept any data that starts with two or four right bytes.

What is cleaned and what is not:

- Images are decoded and encoded again, so no EXIF (GPS position, phone model, time), XMP,
  IPTC, ICC profile, comment or PNG text survives.
- PDFs and sound recordings are kept byte for byte. Their metadata is NOT stripped: a PDF may
  still name its author or the app that made it, and an MP3 (ID3) or M4A (udta) may still
  carry tags, in rare cases even a recording place.
"""

import io
import struct
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from PIL import Image, ImageOps

from core.errors import DomainError

FIELD = "attachments"

JPEG_QUALITY = 85

# Pillow raises any of these for a truncated or damaged image; UnidentifiedImageError is an OSError.
_BROKEN_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)

_PILLOW_FORMAT_BY_MIME = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/apng": "PNG",  # an animated PNG is a PNG; we keep its first frame
    "image/gif": "GIF",
    "image/webp": "WEBP",
}

# Brands of the HEIF family (HEIC, HEIF and AVIF photos), which Pillow cannot read here.
_HEIF_BRANDS = {
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
    b"mif1", b"mif2", b"msf1", b"avif", b"avis",
}  # fmt: skip

_MP4_VIDEO_HANDLERS = {b"vide", b"pict", b"auxv"}


@dataclass(frozen=True)
class PreparedAttachment:
    kind: str  # "image" | "pdf" | "audio"
    content_type: str
    extension: str
    data: bytes


def prepare_attachments(files: Sequence[UploadedFile]) -> list[PreparedAttachment]:
    """Check every upload and return them cleaned, in the same order, or refuse them all.

    The cheap checks (how many, how big) run on every file before any image is decoded.
    """
    if len(files) > settings.REPORT_ATTACHMENT_MAX_FILES:
        raise too_many_files()
    contents = _read_uploads(files)
    return [_prepare(data, position) for position, data in enumerate(contents, start=1)]


def too_many_files() -> DomainError:
    """The refusal of more files than REPORT_ATTACHMENT_MAX_FILES, also for a request with more
    than Django reads at all (DATA_UPLOAD_MAX_NUMBER_FILES)."""
    max_files = settings.REPORT_ATTACHMENT_MAX_FILES
    return _refusal(
        ngettext(
            "You can send only %(max)s file. Please remove some and try again.",
            "You can send up to %(max)s files. Please remove some and try again.",
            max_files,
        ),
        code="too_many_attachments",
        max=max_files,
    )


def _read_uploads(files: Sequence[UploadedFile]) -> list[bytes]:
    max_bytes = settings.REPORT_ATTACHMENT_MAX_BYTES
    max_total_bytes = settings.REPORT_ATTACHMENT_MAX_TOTAL_BYTES
    contents = []
    total_bytes = 0
    # Files are named by their position, never by their name: file names can identify people.
    for position, upload in enumerate(files, start=1):
        data = _read_at_most(upload, max_bytes + 1)
        if not data:
            raise _refusal(
                gettext("File %(position)s is empty. Please choose it again."),
                code="attachment_empty",
                position=position,
            )
        if len(data) > max_bytes:
            raise _refusal(
                gettext("File %(position)s is too big. Each file can be at most %(max_mb)s MB."),
                code="attachment_too_large",
                position=position,
                max_mb=_megabytes(max_bytes),
            )
        total_bytes += len(data)
        if total_bytes > max_total_bytes:
            raise _refusal(
                gettext(
                    "Your files are too big all together. Together they can be at most %(max_mb)s MB. "
                    "Please send fewer or smaller files."
                ),
                code="attachments_too_large",
                max_mb=_megabytes(max_total_bytes),
            )
        contents.append(data)
    return contents


def _read_at_most(upload: UploadedFile, limit: int) -> bytes:
    """Read the upload, but never keep more than `limit` bytes, whatever its size claims."""
    buffer = bytearray()
    for chunk in upload.chunks():
        buffer += chunk[: limit - len(buffer)]
        if len(buffer) >= limit:
            break
    return bytes(buffer)


def _prepare(data: bytes, position: int) -> PreparedAttachment:
    if data.startswith(b"%PDF-"):
        return _prepare_pdf(data, position)
    if _is_heif(data):
        raise _refusal(
            gettext(
                "Photo %(position)s is a HEIC photo, which we can't open. Please send it as a JPEG photo "
                "instead. (A screenshot of the photo works too.)"
            ),
            code="attachment_heic",
            position=position,
        )
    guess = filetype.guess(data)
    mime = guess.mime if guess else None
    if mime in _PILLOW_FORMAT_BY_MIME:
        return _prepare_image(data, _PILLOW_FORMAT_BY_MIME[mime], position)
    if audio := _detect_audio(data, mime):
        content_type, extension = audio
        return PreparedAttachment(kind="audio", content_type=content_type, extension=extension, data=data)
    raise _refusal(
        gettext("File %(position)s can't be sent. Please send a photo, a PDF or a sound recording."),
        code="attachment_type_not_allowed",
        position=position,
    )


# --- PDF -------------------------------------------------------------------------------------


def _prepare_pdf(data: bytes, position: int) -> PreparedAttachment:
    """Keep a PDF as it is once it looks whole. Its metadata (author, app) is not stripped."""
    # The PDF trailer ends with %%EOF; readers look for it in the last 1024 bytes.
    if data.find(b"%%EOF", max(0, len(data) - 1024)) == -1:
        raise _refusal(
            gettext("PDF %(position)s seems to be broken or not complete. Please choose it again."),
            code="attachment_pdf_broken",
            position=position,
        )
    return PreparedAttachment(kind="pdf", content_type="application/pdf", extension="pdf", data=data)


# --- Images ----------------------------------------------------------------------------------


def _prepare_image(data: bytes, pillow_format: str, position: int) -> PreparedAttachment:
    too_large = _refusal(
        gettext("Photo %(position)s is too big to open. Please send a smaller photo."),
        code="attachment_image_too_large",
        position=position,
    )
    broken = _refusal(
        gettext("Photo %(position)s seems to be broken and can't be opened. Please choose it again."),
        code="attachment_image_broken",
        position=position,
    )
    # JPEG photos are decoded at a reduced scale (draft), so a large one costs little; other
    # formats are decoded whole, so they get the lower limit.
    max_pixels = settings.REPORT_IMAGE_MAX_PIXELS
    if pillow_format != "JPEG":
        max_pixels = min(max_pixels, settings.REPORT_IMAGE_MAX_PIXELS_DECODED)
    max_side = settings.REPORT_IMAGE_MAX_SIDE
    keep_png = pillow_format == "PNG"
    if pillow_format == "WEBP":
        # Pillow's WebP decoder allocates the whole canvas already when the file is opened.
        canvas = _webp_canvas_size(data)
        if canvas is None:
            raise broken
        if canvas[0] * canvas[1] > max_pixels:
            raise too_large
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as source:
                width, height = source.size  # read from the header; nothing is decoded yet
                if width * height > max_pixels:
                    raise too_large
                if pillow_format == "JPEG":
                    source.draft("RGB", (max_side, max_side))
                source.load()
                cleaned = _without_metadata(source, keep_alpha=keep_png)
                cleaned.thumbnail((max_side, max_side))
                output = io.BytesIO()
                if keep_png:
                    cleaned.save(output, format="PNG")
                else:
                    cleaned.save(output, format="JPEG", quality=JPEG_QUALITY)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except _BROKEN_IMAGE_ERRORS as error:
        raise broken from error
    if keep_png:
        return PreparedAttachment(kind="image", content_type="image/png", extension="png", data=output.getvalue())
    return PreparedAttachment(kind="image", content_type="image/jpeg", extension="jpg", data=output.getvalue())


def _without_metadata(source: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """The first frame, upright, as RGB (or RGBA/LA when a PNG is see-through), without any metadata."""
    upright = ImageOps.exif_transpose(source)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    if has_alpha and keep_alpha:
        cleaned = upright.convert("LA" if upright.mode == "LA" else "RGBA")
    elif has_alpha:
        # JPEG has no transparency: put see-through parts on white rather than on black.
        rgba = upright.convert("RGBA")
        cleaned = Image.new("RGB", rgba.size, "white")
        cleaned.paste(rgba, mask=rgba.getchannel("A"))
    else:
        cleaned = upright.convert("RGB")
    # Encoders fall back to the image's info (JPEG comment, ICC profile, PNG transparency and
    # more) for what is not passed to save(); `cleaned` is our own copy, so empty it.
    cleaned.info = {}
    return cleaned


def _webp_canvas_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a WebP header, without decoding (layout as in Pillow's reader)."""
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


# --- Sound recordings ------------------------------------------------------------------------


def _detect_audio(data: bytes, mime: str | None) -> tuple[str, str] | None:
    """(content type, extension) of a sound recording we accept, or None; `mime` is filetype's guess."""
    if data.startswith(b"#!AMR-WB\n"):  # filetype only knows narrow-band AMR
        return "audio/amr-wb", "awb"
    if _is_mp4_audio(data):
        brand = data[8:12]
        if brand.startswith(b"3g2"):
            return "audio/3gpp2", "3g2"
        if brand.startswith(b"3g"):
            return "audio/3gpp", "3gp"
        return "audio/mp4", "m4a"
    if _is_mp3(data):
        return "audio/mpeg", "mp3"
    if mime == "audio/amr":
        return "audio/amr", "amr"
    if mime == "audio/x-wav":
        return "audio/wav", "wav"
    if mime == "audio/ogg" and _is_ogg_audio(data):
        return "audio/ogg", "ogg"
    if mime == "audio/aac" and _is_adts_aac(data):
        return "audio/aac", "aac"
    return None


def _is_mp3(data: bytes) -> bool:
    offset = 0
    if data.startswith(b"ID3") and len(data) >= 10:
        # ID3v2: the tag size (padding included) is a "syncsafe" integer, 7 bits a byte.
        tag_size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        footer = 10 if data[5] & 0x10 else 0
        offset = 10 + tag_size + footer
    header = data[offset : offset + 4]
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return False
    version = (header[1] >> 3) & 0b11
    layer = (header[1] >> 1) & 0b11
    bitrate_index = header[2] >> 4
    sample_rate_index = (header[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate_index not in (0, 15) and sample_rate_index != 0b11


def _is_adts_aac(data: bytes) -> bool:
    if len(data) < 7 or (data[2] >> 2) & 0xF > 12:  # sampling frequency index 13-15 is reserved
        return False
    frame_length = ((data[3] & 0b11) << 11) | (data[4] << 3) | (data[5] >> 5)
    if frame_length < 7:
        return False
    # A recording is a run of frames: when there is a second one, it must start with the sync word.
    following = data[frame_length : frame_length + 2]
    return len(following) < 2 or (following[0] == 0xFF and following[1] & 0xF0 == 0xF0)


def _is_ogg_audio(data: bytes) -> bool:
    """An Ogg file whose first packet opens an Opus or Vorbis stream (not, say, a Theora video)."""
    if len(data) < 27:
        return False
    first_packet = data[27 + data[26] :]
    return first_packet.startswith((b"OpusHead", b"\x01vorbis"))


# --- ISO base media files (MP4, M4A, 3GP, HEIC) ----------------------------------------------


def _brands(data: bytes) -> set[bytes]:
    """The major and compatible brands of an ISO base media file; empty for any other file."""
    first_box = next(_boxes(data, 0, len(data)), None)
    if first_box is None or first_box[0] != b"ftyp" or first_box[2] - first_box[1] < 8:
        return set()
    _, start, end = first_box
    compatible = data[start + 8 : end]
    return {data[start : start + 4]} | {compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)}


def _is_heif(data: bytes) -> bool:
    return bool(_brands(data) & _HEIF_BRANDS)


def _is_mp4_audio(data: bytes) -> bool:
    """An MP4/M4A/3GP file with at least one sound track and no picture track."""
    if not _brands(data):
        return False
    handlers = {handler for moov in _children(data, 0, len(data), b"moov") for handler in _track_handlers(data, moov)}
    return b"soun" in handlers and not handlers & _MP4_VIDEO_HANDLERS


def _track_handlers(data: bytes, moov: tuple[int, int]) -> Iterator[bytes]:
    for trak in _children(data, *moov, b"trak"):
        for mdia in _children(data, *trak, b"mdia"):
            for start, end in _children(data, *mdia, b"hdlr"):
                # hdlr: version and flags (4 bytes), pre_defined (4), handler_type (4)
                if end - start >= 12:
                    yield data[start + 8 : start + 12]


def _children(data: bytes, start: int, end: int, wanted: bytes) -> Iterator[tuple[int, int]]:
    for box_type, box_start, box_end in _boxes(data, start, end):
        if box_type == wanted:
            yield box_start, box_end


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each box in data[start:end]; stops at the first bad one."""
    offset = start
    while offset + 8 <= end:
        size = int.from_bytes(data[offset : offset + 4], "big")
        box_type = data[offset + 4 : offset + 8]
        header_size = 8
        if size == 1:  # a 64-bit size follows the type
            if offset + 16 > end:
                return
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
            header_size = 16
        elif size == 0:  # the box runs to the end of its parent
            size = end - offset
        if size < header_size or offset + size > end:
            return
        yield box_type, offset + header_size, offset + size
        offset += size


# --- Messages --------------------------------------------------------------------------------


def _refusal(message: str, *, code: str, **params) -> DomainError:
    return DomainError(message % params, code=code, field=FIELD)


def _megabytes(num_bytes: int) -> str:
    megabytes = round(num_bytes / (1024 * 1024), 1)
    return number_format(int(megabytes) if megabytes.is_integer() else megabytes)
