"""Pictures: uploads the image library accepts and refuses, the admin's outside requests, and the
demo's pictures on reader pages (responsive renditions, one card per story on the front page)."""

from __future__ import annotations

import io
import struct
import zlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from PIL import Image, features
from wagtail.images import get_image_model
from wagtail.users.utils import get_gravatar_url


def _encoded(fmt: str, size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (42, 111, 119)).save(out, fmt)
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """Return a small, well-formed PNG whose header declares `width` × `height` pixels.

    The file is a few hundred bytes; decoding it would need gigabytes (a decompression bomb).
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # One compressed scanline of zeros is enough for the header to be read; the rest is missing.
    pixels = zlib.compress(b"\x00" * (1 + 3 * 256))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class ImageUploadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, name: str, data: bytes, content_type: str):
        return self.client.post(
            reverse("wagtailimages:add"),
            {"title": name, "file": SimpleUploadedFile(name, data, content_type=content_type)},
        )

    def errors(self, response) -> str:
        self.assertEqual(response.status_code, 200, "a refused upload re-shows the form")
        return " ".join(str(e) for e in response.context["form"].errors.get("file", []))

    def test_photo_formats_are_accepted(self):
        formats = [("JPEG", "jpg", "image/jpeg"), ("PNG", "png", "image/png")]
        formats.append(("WEBP", "webp", "image/webp"))
        if features.check("avif"):
            formats.append(("AVIF", "avif", "image/avif"))
        for fmt, extension, mime in formats:
            with self.subTest(fmt=fmt):
                response = self.upload(f"harbour.{extension}", _encoded(fmt), mime)
                if response.status_code != 302:
                    self.fail(f"{fmt} refused: {self.errors(response)}")
        self.assertEqual(get_image_model().objects.count(), len(formats))

    def test_svg_and_other_formats_are_refused(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        for name, data, mime in [
            ("logo.svg", svg, "image/svg+xml"),
            ("anim.gif", _encoded("GIF"), "image/gif"),
            ("scan.tiff", _encoded("TIFF"), "image/tiff"),
        ]:
            with self.subTest(name=name):
                message = self.errors(self.upload(name, data, mime))
                self.assertIn("Not a supported image format", message)
        self.assertEqual(get_image_model().objects.count(), 0)

    def test_a_file_too_large_in_bytes_is_refused_with_its_size(self):
        # A real JPEG followed by padding, one byte over the site's limit.
        limit = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
        photo = _encoded("JPEG")
        data = photo + b"\0" * (limit + 1 - len(photo))
        message = self.errors(self.upload("big.jpg", data, "image/jpeg"))
        self.assertIn("This file is too big", message)
        self.assertEqual(get_image_model().objects.count(), 0)

    def test_a_decompression_bomb_is_refused_without_decoding_it(self):
        # 40,000 × 40,000 pixels declared in a file of a few hundred bytes.
        bomb = _png_claiming(40_000, 40_000)
        self.assertLess(len(bomb), 1000)
        self.assertGreater(40_000 * 40_000, settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS)
        message = self.errors(self.upload("bomb.png", bomb, "image/png"))
        self.assertIn("too many pixels", message)
        self.assertEqual(get_image_model().objects.count(), 0)

    def test_a_truncated_file_is_refused_with_a_message_not_an_error(self):
        # A header declaring more pixels than the data holds: reading it fails part way.
        message = self.errors(self.upload("cut.png", _png_claiming(8_000, 8_000), "image/png"))
        self.assertIn("could not be read as an image", message)
        self.assertEqual(get_image_model().objects.count(), 0)


class AdminOutsideRequestsTests(TestCase):
    def test_no_gravatar_and_no_update_check(self):
        self.assertIsNone(settings.WAGTAIL_GRAVATAR_PROVIDER_URL)
        self.assertIsNone(get_gravatar_url("editor@example.org"))
        self.assertIs(settings.WAGTAIL_ENABLE_UPDATE_CHECK, False)

    def test_admin_dashboard_names_no_other_site(self):
        editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
        self.client.force_login(editor)
        html = self.client.get(reverse("wagtailadmin_home")).content.decode()
        self.assertNotIn("gravatar.com", html)
        self.assertNotIn("releases.wagtail.io", html)
        self.assertNotIn("data-w-upgrade", html)
