"""The matrix of a region's countries by its expected results: how many activities each cell
holds, shaded relative to the fullest cell, and a country's row as the expected results its
activities advance. Counted from the region's `Rows`, with no query of its own.
"""

import math
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from initiatives.models import Country, ExpectedResult
from reports.queries.scope import Figure, Scope

# The matrix shades a cell by how many activities it holds, relative to the fullest cell.
MATRIX_SHADES = 4


@dataclass
class MatrixCell:
    """The activities of a country for an expected result; the link to them is made when a
    page shows it (an empty cell has none, and a region has over a thousand cells)."""

    scope: Scope
    country: Country
    result: ExpectedResult
    activities: int
    shade: int  # 0 (empty) to MATRIX_SHADES

    @property
    def url(self):
        return self.scope.activity_list_url(country=self.country.iso3, result=self.result.code)


@dataclass
class MatrixRow:
    country: Country
    groups: list
    cells: list


@dataclass
class CountryResult:
    """An expected result that a country's activities advance: how many of them do (a cell of
    the matrix), and whether an ongoing or completed one reaches the country."""

    result: ExpectedResult
    activities: Figure
    reached: bool


class MatrixMixin:
    """The matrix part of `RegionFigures` (reports.queries.region), counted from its rows, its
    countries and its expected results."""

    @cached_property
    def matrix(self):
        """One MatrixRow per country of the region; a cell per expected result, in the order of
        `self.results`, holding the number of activities that have both."""
        counts = Counter()
        for pk in self.activity_ids:
            for country_id in self.rows.countries_of[pk]:
                for result_id in self.rows.results_of[pk]:
                    counts[country_id, result_id] += 1
        fullest = max(counts.values(), default=0)
        results = [r.result for r in self.results]
        return [
            MatrixRow(
                country=figures.country,
                groups=figures.groups,
                cells=[
                    MatrixCell(
                        scope=self.scope,
                        country=figures.country,
                        result=result,
                        activities=counts[figures.country.pk, result.pk],
                        shade=math.ceil(
                            MATRIX_SHADES * counts[figures.country.pk, result.pk] / fullest
                        )
                        if fullest
                        else 0,
                    )
                    for result in results
                ],
            )
            for figures in self.countries
        ]

    def results_advanced_in(self, country):
        """CountryResult for each expected result that `country`'s activities advance, in the
        order of `self.results`: the cells of its matrix row that hold activities."""
        row = next(row for row in self.matrix if row.country.pk == country.pk)
        return [
            CountryResult(
                result=cell.result,
                activities=Figure(cell.activities, cell.url),
                reached=country.pk in self.reached_by_result[cell.result.pk],
            )
            for cell in row.cells
            if cell.activities
        ]
