import io
import struct
import wave
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import translation
from PIL import Image, ImageCms, ImageFile, PngImagePlugin, WebPImagePlugin

from core.errors import DomainError
from reports.attachments import PreparedAttachment, prepare_attachments

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def upload(data: bytes, name: str = "file.bin", content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def prepare_one(data: bytes, **kwargs) -> PreparedAttachment:
    (prepared,) = prepare_attachments([upload(data, **kwargs)])
    return prepared


def refusal(files) -> DomainError:
    with pytest.raises(DomainError) as caught:
        prepare_attachments(files)
    assert caught.value.field == "attachments"
    return caught.value


def jpeg_with_metadata(size=(40, 20), orientation=6) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "S", 2: (1.0, 15.0, 0.0), 3: "E", 4: (116.0, 50.0, 0.0)}
    exif[0x010F] = "SecretPhoneMaker"
    output = io.BytesIO()
    Image.new("RGB", size, "red").save(
        output,
        "JPEG",
        exif=exif,
        comment=b"Budi's house",
        xmp=b"<x:xmpmeta>secret-place</x:xmpmeta>",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return output.getvalue()


def png_bytes(image: Image.Image, **save_kwargs) -> bytes:
    output = io.BytesIO()
    image.save(output, "PNG", **save_kwargs)
    return output.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose IHDR says width x height (CRC fixed, so readers trust it)."""
    data = bytearray(png_bytes(Image.new("RGB", (1, 1))))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def box(box_type: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + box_type + payload


def mp4(major_brand: bytes, handlers: list[bytes], compatible: tuple[bytes, ...] = (b"isom",)) -> bytes:
    ftyp = box(b"ftyp", major_brand + b"\0\0\0\0" + b"".join(compatible))
    tracks = b"".join(
        box(b"trak", box(b"mdia", box(b"hdlr", b"\0" * 8 + handler + b"\0" * 12))) for handler in handlers
    )
    return ftyp + box(b"moov", tracks) + box(b"mdat", b"\x01\x02\x03\x04" * 16)


def heic(major_brand: bytes, compatible: bytes) -> bytes:
    return box(b"ftyp", major_brand + b"\0\0\0\0" + compatible) + box(b"meta", b"\0" * 32)


def wav_bytes() -> bytes:
    output = io.BytesIO()
    with wave.open(output, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\0\1" * 800)
    return output.getvalue()


AMR = b"#!AMR\n" + b"\x3c" + b"\x55" * 31 + b"\x3c" + b"\x66" * 31
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz frame headers after an empty ID3v2 tag.
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + (b"\xff\xfb\x90\x00" + b"\0" * 413) * 2


def test_it_strips_all_metadata_from_a_jpeg_and_keeps_it_upright():
    source = jpeg_with_metadata(size=(40, 20), orientation=6)
    with Image.open(io.BytesIO(source)) as original:
        assert original.getexif().get_ifd(GPS_IFD)[1] == "S"
        assert original.getexif()[ORIENTATION] == 6
        assert "icc_profile" in original.info and "comment" in original.info and "xmp" in original.info

    prepared = prepare_one(source, name="budi_rumah.jpg", content_type="image/jpeg")

    assert (prepared.kind, prepared.content_type, prepared.extension) == ("image", "image/jpeg", "jpg")
    with Image.open(io.BytesIO(prepared.data)) as cleaned:
        assert cleaned.format == "JPEG"
        assert not cleaned.getexif()
        assert cleaned.size == (20, 40)
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(cleaned.info)
    for trace in (b"Exif", b"GPS", b"SecretPhoneMaker", b"Budi", b"secret-place", b"ICC_PROFILE"):
        assert trace not in prepared.data


def test_it_keeps_the_size_of_a_photo_without_orientation():
    prepared = prepare_one(jpeg_with_metadata(size=(40, 20), orientation=1))

    with Image.open(io.BytesIO(prepared.data)) as cleaned:
        assert cleaned.size == (40, 20)


def test_it_strips_text_and_exif_chunks_from_a_png():
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Budi Santoso")
    text.add_text("Comment", "rumah di RT 3", zip=True)
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "S", 2: (1.0, 15.0, 0.0)}
    source = png_bytes(Image.new("RGB", (8, 6), "blue"), pnginfo=text, exif=exif)
    with Image.open(io.BytesIO(source)) as original:
        assert original.text["Author"] == "Budi Santoso"
        assert original.getexif().get_ifd(GPS_IFD)

    prepared = prepare_one(source, name="screenshot.png", content_type="image/png")

    assert (prepared.kind, prepared.content_type, prepared.extension) == ("image", "image/png", "png")
    with Image.open(io.BytesIO(prepared.data)) as cleaned:
        assert cleaned.format == "PNG"
        assert cleaned.size == (8, 6)
        assert cleaned.text == {}
        assert not cleaned.getexif()
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"Budi"):
        assert chunk not in prepared.data


def test_it_keeps_the_transparency_of_a_png():
    image = Image.new("RGBA", (4, 4), (255, 0, 0, 0))
    image.putpixel((0, 0), (0, 255, 0, 255))

    prepared = prepare_one(png_bytes(image))

    with Image.open(io.BytesIO(prepared.data)) as cleaned:
        assert cleaned.mode == "RGBA"
        assert cleaned.getpixel((0, 0)) == (0, 255, 0, 255)
        assert cleaned.getpixel((3, 3))[3] == 0


@pytest.mark.parametrize("image_format", ["GIF", "WEBP"])
def test_it_turns_gif_and_webp_into_jpeg(image_format):
    source = io.BytesIO()
    Image.new("RGB", (30, 10), "green").save(source, image_format)

    prepared = prepare_one(source.getvalue(), name="x.png", content_type="image/png")

    assert (prepared.content_type, prepared.extension) == ("image/jpeg", "jpg")
    with Image.open(io.BytesIO(prepared.data)) as cleaned:
        assert (cleaned.format, cleaned.mode, cleaned.size) == ("JPEG", "RGB", (30, 10))


def test_it_treats_a_pdf_named_like_a_photo_as_a_pdf():
    prepared = prepare_one(PDF, name="photo.jpg", content_type="image/jpeg")

    assert prepared == PreparedAttachment(kind="pdf", content_type="application/pdf", extension="pdf", data=PDF)


def test_it_treats_a_photo_named_like_a_pdf_as_a_photo():
    prepared = prepare_one(jpeg_with_metadata(), name="laporan.pdf", content_type="application/pdf")

    assert prepared.kind == "image"


def test_it_refuses_a_pdf_without_its_end():
    error = refusal([upload(PDF[:-7])])

    assert error.code == "attachment_pdf_broken"


def zip_bytes() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff not really")
    return output.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64, id="exe"),
        pytest.param(zip_bytes(), id="zip"),
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="html"),
        pytest.param(mp4(b"isom", [b"vide", b"soun"]), id="mp4-video"),
        pytest.param(b"OggS\x00\x02" + b"\0" * 20 + b"\x01\x2a" + b"\x80theora" + b"\0" * 40, id="ogg-theora-video"),
        pytest.param(b"ID3\x04\x00\x00\x00\x00\x00\x00<html></html>", id="id3-then-html"),
        pytest.param(b"\xff\xfb\xf0\x00" + b"\0" * 100, id="mp3-sync-with-a-bad-bitrate"),
    ],
)
def test_it_refuses_files_that_are_not_a_photo_pdf_or_recording(data):
    error = refusal([upload(data, name="photo.jpg", content_type="image/jpeg")])

    assert error.code == "attachment_type_not_allowed"
    assert str(error) == "File 1 can't be sent. Please send a photo, a PDF or a sound recording."


@pytest.mark.parametrize(
    ("major", "compatible"),
    [(b"heic", b"mif1heic"), (b"mif1", b"mif1heic"), (b"heix", b"mif1heix"), (b"mif1", b"mif1avif")],
)
def test_it_refuses_heic_photos_and_asks_for_a_jpeg(major, compatible):
    error = refusal([upload(jpeg_with_metadata()), upload(heic(major, compatible), name="IMG_0001.jpg")])

    assert error.code == "attachment_heic"
    assert "Photo 2" in str(error)
    assert "JPEG" in str(error)


def test_it_refuses_a_png_claiming_to_be_huge_without_decoding_it(monkeypatch):
    def explode(self):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", explode)

    error = refusal([upload(png_claiming_size(50_000, 50_000))])

    assert error.code == "attachment_image_too_large"
    assert str(error) == "Photo 1 is too big to open. Please send a smaller photo."


def test_it_refuses_an_image_over_the_pixel_setting_before_decoding_it(monkeypatch, settings):
    settings.REPORT_IMAGE_MAX_PIXELS = 1_000_000
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("the pixels were decoded"))

    error = refusal([upload(png_claiming_size(2_000, 1_000))])

    assert error.code == "attachment_image_too_large"


def test_it_refuses_an_image_pillow_only_warns_about(monkeypatch, settings):
    settings.REPORT_IMAGE_MAX_PIXELS = 10 * Image.MAX_IMAGE_PIXELS
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("the pixels were decoded"))
    width = int(Image.MAX_IMAGE_PIXELS**0.5) + 100

    error = refusal([upload(png_claiming_size(width, width))])

    assert error.code == "attachment_image_too_large"


def test_it_refuses_a_large_webp_before_pillow_allocates_its_canvas(monkeypatch, settings):
    settings.REPORT_IMAGE_MAX_PIXELS = 1_000
    source = io.BytesIO()
    Image.new("RGB", (64, 64), "green").save(source, "WEBP")
    monkeypatch.setattr(WebPImagePlugin._webp, "WebPAnimDecoder", lambda data: pytest.fail("the canvas was made"))

    error = refusal([upload(source.getvalue())])

    assert error.code == "attachment_image_too_large"


@pytest.mark.parametrize("keep", [0.5, 0.9, 40])
def test_it_refuses_a_truncated_jpeg(keep):
    output = io.BytesIO()
    Image.effect_noise((200, 200), 100).convert("RGB").save(output, "JPEG", quality=95)
    data = output.getvalue()
    cut = data[: int(len(data) * keep)] if keep < 1 else data[:keep]

    error = refusal([upload(cut)])

    assert error.code == "attachment_image_broken"
    assert str(error) == "Photo 1 seems to be broken and can't be opened. Please choose it again."


def test_it_accepts_an_amr_voice_recording_as_it_is():
    prepared = prepare_one(AMR, name="rekaman.jpg", content_type="image/jpeg")

    assert prepared == PreparedAttachment(kind="audio", content_type="audio/amr", extension="amr", data=AMR)


def test_it_accepts_a_wide_band_amr_recording():
    data = b"#!AMR-WB\n" + b"\x04" * 61

    assert prepare_one(data).content_type == "audio/amr-wb"


def test_it_accepts_a_wav_recording_as_it_is():
    data = wav_bytes()

    prepared = prepare_one(data, name="a.txt", content_type="text/plain")

    assert prepared == PreparedAttachment(kind="audio", content_type="audio/wav", extension="wav", data=data)


def test_it_accepts_an_mp3_recording():
    prepared = prepare_one(MP3)

    assert (prepared.kind, prepared.content_type, prepared.extension) == ("audio", "audio/mpeg", "mp3")


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (mp4(b"M4A ", [b"soun"], compatible=(b"M4A ", b"mp42", b"isom")), "audio/mp4", "m4a"),
        (mp4(b"isom", [b"soun"], compatible=(b"isom", b"3gp4")), "audio/mp4", "m4a"),  # Android recorder
        (mp4(b"3gp4", [b"soun"], compatible=(b"isom", b"3gp4")), "audio/3gpp", "3gp"),
    ],
)
def test_it_accepts_mp4_and_3gp_files_with_only_sound(data, content_type, extension):
    prepared = prepare_one(data)

    assert (prepared.kind, prepared.content_type, prepared.extension) == ("audio", content_type, extension)
    assert prepared.data == data


def test_it_accepts_an_ogg_opus_recording():
    data = b"OggS\x00\x02" + b"\0" * 20 + b"\x01\x13" + b"OpusHead\x01\x01\x38\x01\x80\xbb\0\0\0\0\0" + b"\0" * 32

    assert prepare_one(data).content_type == "audio/ogg"


def test_it_refuses_too_many_files(settings):
    settings.REPORT_ATTACHMENT_MAX_FILES = 2

    assert len(prepare_attachments([upload(AMR), upload(AMR)])) == 2
    error = refusal([upload(AMR), upload(AMR), upload(AMR)])

    assert error.code == "too_many_attachments"
    assert str(error) == "You can send up to 2 files. Please remove some and try again."


def test_it_refuses_a_file_over_the_size_limit_by_its_position(settings):
    settings.REPORT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    big = AMR + b"\0" * (5 * 1024 * 1024 - len(AMR) + 1)

    error = refusal([upload(AMR), upload(big, name="budi_rumah.amr")])

    assert error.code == "attachment_too_large"
    assert str(error) == "File 2 is too big. Each file can be at most 5 MB."
    assert "budi" not in str(error)


def test_it_accepts_a_file_exactly_at_the_size_limit(settings):
    settings.REPORT_ATTACHMENT_MAX_BYTES = len(AMR)

    assert prepare_one(AMR).data == AMR


class EndlessUpload(UploadedFile):
    """An upload that claims to be tiny but never ends, like a lying Content-Length."""

    def __init__(self):
        super().__init__(file=io.BytesIO(), name="x.amr", content_type="audio/amr", size=10)
        self.chunks_read = 0

    def chunks(self, chunk_size=None):
        while self.chunks_read < 1000:
            self.chunks_read += 1
            yield AMR + b"\0" * 1000
        pytest.fail("the reader did not stop")


def test_it_stops_reading_a_file_just_after_the_size_limit(settings):
    settings.REPORT_ATTACHMENT_MAX_BYTES = 10_000
    endless = EndlessUpload()

    error = refusal([endless])

    assert error.code == "attachment_too_large"
    assert endless.chunks_read == 10


def test_it_refuses_files_too_big_together(settings):
    settings.REPORT_ATTACHMENT_MAX_BYTES = 2 * len(AMR)
    settings.REPORT_ATTACHMENT_MAX_TOTAL_BYTES = 2 * len(AMR)

    assert len(prepare_attachments([upload(AMR), upload(AMR)])) == 2
    error = refusal([upload(AMR), upload(AMR), upload(AMR)])

    assert error.code == "attachments_too_large"


def test_it_says_the_total_limit_in_megabytes(settings):
    settings.REPORT_ATTACHMENT_MAX_TOTAL_BYTES = 25 * 1024 * 1024
    settings.REPORT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    nine_mb = AMR + b"\0" * (9 * 1024 * 1024)

    error = refusal([upload(nine_mb), upload(nine_mb), upload(nine_mb)])

    assert error.code == "attachments_too_large"
    assert "at most 25 MB" in str(error)


def test_it_refuses_an_empty_file():
    error = refusal([upload(AMR), upload(b"", name="kosong.jpg")])

    assert error.code == "attachment_empty"
    assert str(error) == "File 2 is empty. Please choose it again."


def test_it_returns_nothing_when_a_later_file_is_refused():
    error = refusal([upload(jpeg_with_metadata()), upload(PDF), upload(b"MZ" + b"\0" * 100)])

    assert error.code == "attachment_type_not_allowed"
    assert "File 3" in str(error)


def test_it_returns_one_attachment_per_file_in_order():
    prepared = prepare_attachments([upload(PDF), upload(AMR), upload(jpeg_with_metadata())])

    assert [attachment.kind for attachment in prepared] == ["pdf", "audio", "image"]


def test_it_accepts_no_files():
    assert prepare_attachments([]) == []
