"""The merchant's logo for hosted pages, receipts and invoice PDFs.

An upload is decoded with Pillow and only its pixels are kept, re-encoded as a PNG no larger
than LOGO_MAX_SIZE: whatever else the file carried (metadata, a script in a polyglot, a
second image) is gone, and no page ever serves the bytes the merchant sent.
"""

import hashlib
import io

from django.db import transaction
from PIL import Image, UnidentifiedImageError

from core import clock
from core.exceptions import InvalidParameter
from merchants.models import Merchant, MerchantLogo
from merchants.selectors import merchant_get_locked

# What an upload may be: its size, its formats, its pixels before decoding (a small file
# can claim a huge image: Pillow is told the limit before it allocates one).
LOGO_MAX_BYTES = 512 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
LOGO_MAX_PIXELS = 4096 * 4096
# The box the stored logo fits in (a wide mark for a page's header), keeping its proportions.
LOGO_MAX_SIZE = (800, 240)


def _logo_png(data: bytes) -> tuple[bytes, int, int]:
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidParameter(f"A logo is at most {LOGO_MAX_BYTES // 1024} KB.", param="logo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in LOGO_FORMATS:
                raise InvalidParameter("A logo is a PNG, JPEG, WebP or GIF image.",
                                       param="logo")
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise InvalidParameter("A logo is at most 4096 × 4096 pixels.", param="logo")
            image.seek(0)  # an animation's first frame
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidParameter("That file is not an image Till can read: upload a PNG, JPEG, "
                               "WebP or GIF.", param="logo") from exc
    picture.thumbnail(LOGO_MAX_SIZE)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue(), picture.width, picture.height


def merchant_logo_set(*, merchant: Merchant, data: bytes) -> MerchantLogo:
    """The merchant's logo from an uploaded image, replacing any before; a file that is not
    a readable image of an allowed format and size is refused, changing nothing."""
    png, width, height = _logo_png(data)
    digest = hashlib.sha256(png).hexdigest()
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.pk)
        logo, _ = MerchantLogo.objects.update_or_create(
            merchant=locked, defaults={"digest": digest, "png": png, "width": width,
                                       "height": height, "updated": clock.now()})
        locked.logo_digest = digest
        locked.save(update_fields=["logo_digest"])
    merchant.logo_digest = digest
    return logo


def merchant_logo_remove(*, merchant: Merchant) -> None:
    """No logo any more: the hosted pages show the merchant's name alone."""
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.pk)
        MerchantLogo.objects.filter(merchant=locked).delete()
        locked.logo_digest = ""
        locked.save(update_fields=["logo_digest"])
    merchant.logo_digest = ""
