"""The migration that gave each finished reading its line (reading 0004–0006), run on a database
holding what the older schema allowed: finished readings whose line had been removed."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reading", "0003_alter_booklist_kind_alter_historicalbooklist_kind_and_more")]
AFTER = [("reading", "0006_a_finish_belongs_to_its_line")]


@pytest.mark.django_db(transaction=True)
def test_readings_without_their_line_get_one_that_counts_them_all():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Reader, Book = old.get_model("reading", "Reader"), old.get_model("reading", "Book")
    ReadingLog, Finish = old.get_model("reading", "ReadingLog"), old.get_model("reading", "Finish")
    reader = Reader.objects.create(
        account=User.objects.create(username="m13800000001"), name="我", is_self=True
    )
    teahouse = Book.objects.create(isbn="9787020000029", title="茶馆")
    camel = Book.objects.create(isbn="9787020000036", title="骆驼祥子")
    # 茶馆 read twice, its line since removed; 骆驼祥子 read once, its line kept.
    Finish.objects.create(reader=reader, book=teahouse, on=datetime.date(2025, 3, 1))
    Finish.objects.create(reader=reader, book=teahouse, on=datetime.date(2026, 2, 1))
    kept = ReadingLog.objects.create(reader=reader, book=camel, status="read", times_read=1)
    Finish.objects.create(reader=reader, book=camel, on=datetime.date(2026, 5, 1))

    executor = MigrationExecutor(connection)  # PostgreSQL refused this while one migration did it all
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    ReadingLog, Finish = new.get_model("reading", "ReadingLog"), new.get_model("reading", "Finish")
    line = ReadingLog.objects.get(book_id=teahouse.pk)
    assert (line.status, line.times_read) == ("read", 2)
    assert set(Finish.objects.filter(book_id=teahouse.pk).values_list("log_id", flat=True)) == {line.pk}
    assert Finish.objects.get(book_id=camel.pk).log_id == kept.pk
    assert ReadingLog.objects.count() == 2
