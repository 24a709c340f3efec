import io
import zipfile

from learnweek.core.packages import zip_of


def test_a_package_keeps_the_order_and_numbers_a_name_given_twice():
    content = zip_of(
        [
            ("01-展板/1-开幕式.jpg", b"a"),
            ("01-展板/1-开幕式.jpg", b"b"),
            ("01-展板/说明", b"c"),
            ("01-展板/说明", b"d"),
            ("02-方案/方案.docx", b"e"),
        ]
    )
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == [
        "01-展板/1-开幕式.jpg",
        "01-展板/1-开幕式 (2).jpg",
        "01-展板/说明",
        "01-展板/说明 (2)",
        "02-方案/方案.docx",
    ]
    assert archive.read("01-展板/1-开幕式 (2).jpg") == b"b"
