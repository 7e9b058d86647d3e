"""Gap-free numbers per town and year (case, hazard and request numbers)."""

from django.db import connection, models


class NumberCounter(models.Model):
    """The last number issued per town and year. A concrete counter adds its unique constraint on
    (town_code, year), which `next_for` relies on.

    The counter row is incremented in the caller's transaction: concurrent registrations queue on
    its row lock, and a registration that rolls back takes its number back with it, so numbers have
    neither gaps nor duplicates."""

    town_code = models.CharField(max_length=9)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.town_code}-{self.year}: {self.last}"

    @classmethod
    def next_for(cls, *, town_code: str, year: int) -> int:
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (town_code, year, last) VALUES (%s, %s, 1)
                    ON CONFLICT (town_code, year) DO UPDATE SET last = {table}.last + 1 RETURNING last""",
                [town_code, year],
            )
            return cursor.fetchone()[0]
