"""The map of a region's countries on its dashboard and in its regional report: each country's
outline, reached or not in the year, drawn as inline SVG by
`templates/reports/includes/region_map.html` (no tiles, no JavaScript, sharp in print).

The outlines come from reports/data/country_shapes.json (Natural Earth, public domain; written
by `manage.py build_country_shapes`), read once per process; a region's geometry is computed
once per process too, so a map costs no query and little time. A country too small to see at
the map's scale (Tuvalu, Nauru, most small island states) is drawn as a dot at its position.

The projection is equirectangular, longitudes narrowed by the cosine of the region's middle
latitude, fitted to the region's bounding box. A region across the antimeridian (Asia and the
Pacific: Fiji, Samoa, Tonga, Kiribati) is drawn with its western longitudes shifted by 360°,
when the data say that makes the region narrower.
"""

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SHAPES_FILE = Path(__file__).parent / "data" / "country_shapes.json"

# The viewBox, in pixels of a map shown at its natural size.
WIDTH = 800
MAX_HEIGHT = 600
MARGIN = 10  # more than a dot's radius, so that a dot on the edge shows whole
# A country whose largest piece would be smaller than this, both ways, is drawn as a dot.
MIN_SHAPE = 6
DOT_RADIUS = 6
# A piece of a country farther than this, in degrees, from the rest of it (French Guiana from
# France) is overseas: it does not widen the region's map, and is drawn only if it falls on it.
OVERSEAS_GAP = 20
# How the map marks the UN's groups (the template's CSS classes map-ldc, map-sids, map-lldc);
# a country's other groups are named in its title.
OUTLINES = {"LDC": "thick outline", "SIDS": "dotted outline", "LLDC": "dashed outline"}
UNMARKED = "named in each member's title (on hover)"


@cache
def country_shapes():
    """{M49 code: {"name", "point", "polygons"}} from the asset, read once per process."""
    return json.loads(SHAPES_FILE.read_text())["countries"]


@dataclass(frozen=True)
class Outline:
    """A country on a region's map: its path, or the centre of its dot when it is too small or
    has no outline."""

    path: str = ""
    dot_x: float = 0
    dot_y: float = 0

    @property
    def is_dot(self):
        return not self.path


@dataclass(frozen=True)
class RegionGeometry:
    """The viewBox of a region's map and each of its countries' Outline, by M49 code (a code
    missing from the asset has none)."""

    width: int
    height: int
    outlines: dict


@dataclass(frozen=True)
class MapCountry:
    """A country as the map draws it: its CountryFigures (country, groups, reached) and its
    Outline."""

    figures: object
    outline: Outline

    @property
    def country(self):
        return self.figures.country

    @property
    def groups(self):
        return self.figures.groups

    @property
    def reached(self):
        return self.figures.reached


@dataclass(frozen=True)
class RegionMap:
    """What the template draws: the viewBox, the countries in drawing order (outlines, those of
    a group over the others, then dots on top) and the countries the asset lacks."""

    width: int
    height: int
    year: int
    countries: list
    missing: list  # Country objects without an outline or a point

    @property
    def legend_groups(self):
        """(CountryGroup, how the map marks it, whether by its outline) for each group a country
        on the map is in."""
        found = {group.code: group for item in self.countries for group in item.groups}
        return [
            (group, OUTLINES.get(group.code, UNMARKED), group.code in OUTLINES)
            for group in sorted(found.values(), key=lambda group: group.sort_key)
        ]

    @property
    def dot_radius(self):
        return DOT_RADIUS

    @property
    def has_dots(self):
        return any(item.outline.is_dot for item in self.countries)


def region_map(country_figures, year):
    """The RegionMap of a region's countries (`RegionFigures.countries`, CountryFigures with
    their groups and reached state for `year`). Makes no query."""
    geometry = region_geometry(tuple(sorted(item.country.m49 for item in country_figures)))
    drawn = [
        MapCountry(item, geometry.outlines[item.country.m49])
        for item in country_figures
        if item.country.m49 in geometry.outlines
    ]
    # Outlines of a group last among outlines, so that their marked borders show whole.
    drawn.sort(key=lambda item: (item.outline.is_dot, bool(item.groups)))
    return RegionMap(
        width=geometry.width,
        height=geometry.height,
        year=year,
        countries=drawn,
        missing=[
            item.country for item in country_figures if item.country.m49 not in geometry.outlines
        ],
    )


@cache
def region_geometry(codes):
    """The RegionGeometry of the countries of M49 `codes` (a sorted tuple), once per process."""
    shapes = country_shapes()
    found = {code: shapes[code] for code in codes if code in shapes}
    shift = _shift_west(found.values())
    pieces = {
        code: [[_shifted_ring(ring, shift) for ring in polygon] for polygon in shape["polygons"]]
        for code, shape in found.items()
    }
    points = {code: _shifted_point(shape["point"], shift) for code, shape in found.items()}

    # The region's bounding box: every country's main part, and the points of its dots.
    boxes = [_box(ring) for polygons in pieces.values() for ring in _main_rings(polygons)]
    boxes += [(x, y, x, y) for x, y in points.values()]
    if not boxes:
        return RegionGeometry(width=WIDTH, height=MAX_HEIGHT // 2, outlines={})
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    squeeze = math.cos(math.radians((north + south) / 2))
    span_x, span_y = max((east - west) * squeeze, 1), max(north - south, 1)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (MAX_HEIGHT - 2 * MARGIN) / span_y)
    width = round(span_x * scale + 2 * MARGIN)
    height = round(span_y * scale + 2 * MARGIN)

    def project(lon, lat):
        return (MARGIN + (lon - west) * squeeze * scale, MARGIN + (north - lat) * scale)

    outlines = {}
    for code in found:
        outer_rings = [polygon[0] for polygon in pieces[code]]
        largest = max((_size(ring, project) for ring in outer_rings), default=0)
        visible = [ring for polygon in pieces[code] for ring in polygon]
        visible = [ring for ring in visible if _on_map(ring, project, width, height)]
        path = _path(visible, project) if largest >= MIN_SHAPE else ""
        if path:
            outlines[code] = Outline(path=path)
        else:
            x, y = project(*points[code])
            outlines[code] = Outline(dot_x=round(x, 1), dot_y=round(y, 1))
    return RegionGeometry(width=width, height=height, outlines=outlines)


def _shift_west(shapes):
    """Whether the region is narrower with its western longitudes moved east by 360°: the map
    of a region across the antimeridian then shows it in one piece."""
    rings = [ring for shape in shapes for polygon in shape["polygons"] for ring in polygon]
    points = [shape["point"] for shape in shapes]

    def width(shift):
        lons = [lon for ring in rings for lon, _ in _shifted_ring(ring, shift)]
        lons += [_shifted_point(point, shift)[0] for point in points]
        return max(lons) - min(lons) if lons else 0

    return width(True) < width(False)


def _shifted_ring(ring, shift):
    # A ring is moved whole, so one that crosses the prime meridian stays whole.
    if shift and max(lon for lon, _ in ring) <= 0:
        return [(lon + 360, lat) for lon, lat in ring]
    return [tuple(point) for point in ring]


def _shifted_point(point, shift):
    lon, lat = point
    return (lon + 360, lat) if shift and lon < 0 else (lon, lat)


def _box(ring):
    lons, lats = [lon for lon, _ in ring], [lat for _, lat in ring]
    return min(lons), min(lats), max(lons), max(lats)


def _main_rings(polygons):
    """The outer rings of a country's main part: its largest piece, and every piece within
    OVERSEAS_GAP degrees of those already in (so that a chain of islands stays in)."""
    rings = [polygon[0] for polygon in polygons]
    if not rings:
        return []
    largest = max(rings, key=lambda ring: _box_area(_box(ring)))
    main, rest = [largest], [ring for ring in rings if ring is not largest]
    box = _box(largest)
    grown = True
    while grown:
        grown = False
        for ring in list(rest):
            if _gap(box, _box(ring)) <= OVERSEAS_GAP:
                main.append(ring)
                rest.remove(ring)
                box = _union(box, _box(ring))
                grown = True
    return main


def _box_area(box):
    return (box[2] - box[0]) * (box[3] - box[1])


def _gap(one, other):
    """How far apart two boxes are, in degrees (0 when they overlap)."""
    dx = max(other[0] - one[2], one[0] - other[2], 0)
    dy = max(other[1] - one[3], one[1] - other[3], 0)
    return math.hypot(dx, dy)


def _union(one, other):
    return (
        min(one[0], other[0]),
        min(one[1], other[1]),
        max(one[2], other[2]),
        max(one[3], other[3]),
    )


def _size(ring, project):
    """The larger side of a ring's box once projected, in pixels."""
    west, south, east, north = _box(ring)
    (x1, y1), (x2, y2) = project(west, north), project(east, south)
    return max(x2 - x1, y2 - y1)


def _on_map(ring, project, width, height):
    """Whether any of a projected ring falls within the map (an overseas piece may not)."""
    west, south, east, north = _box(ring)
    (x1, y1), (x2, y2) = project(west, north), project(east, south)
    return x2 >= 0 and x1 <= width and y2 >= 0 and y1 <= height


def _path(rings, project):
    """SVG path data of rings, in whole pixels (a map 800 pixels wide needs no finer: the page
    stays light), leaving out points under a pixel from the one before; a ring that shrinks to
    fewer than three points is left out."""
    parts = []
    for ring in rings:
        points = []
        for lon, lat in ring:
            x, y = (round(value) for value in project(lon, lat))
            if not points or abs(x - points[-1][0]) + abs(y - points[-1][1]) >= 1:
                points.append((x, y))
        if len(points) >= 3:
            coordinates = " ".join(f"{x},{y}" for x, y in points)
            parts.append(f"M{coordinates}Z")
    return "".join(parts)
