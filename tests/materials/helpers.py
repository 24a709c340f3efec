"""Photos to upload as a material's."""

from tests.helpers import photo_file


def photos(count, start=0):
    """``count`` different photos, 2000×1500 (different in size so their SHA-256 differ)."""
    return [photo_file(f"现场{i}.jpg", size=(2000 + i, 1500)) for i in range(start, start + count)]
