"""Write reports/data/country_shapes.json, the outlines of the countries that the region maps
draw (reports/maps.py), from Natural Earth's countries as the npm package world-atlas ships them
(TopoJSON, one geometry per M49 code).

Maintainers run this once when the source changes; users never need it, because the asset it
writes is committed (the README says how to get the source). It reads no database: every
geometry with an M49 code is kept, the country or territory, member or not.

    python manage.py build_country_shapes countries-50m.json countries-10m.json

Files are read in the order given: a country takes its outline from the first file that has it
(the 50m scale is detailed enough for a region's map; Tuvalu is only in the 10m one).
"""

import json
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

ASSET = Path(__file__).resolve().parents[2] / "data" / "country_shapes.json"
SOURCE = "Natural Earth (naturalearthdata.com), via the npm package world-atlas 2.0.2"
LICENCE = "Public domain (Natural Earth); world-atlas: ISC licence, Michael Bostock"
# In degrees. A region's map is at most 800 px wide: Europe, the most detailed one, shows about
# 0.1° a pixel, Asia and the Pacific 0.2°. Details finer than a few hundredths of a degree
# never show, and keeping them would only make the asset and the page heavier.
TOLERANCE = 0.04  # how far a simplified border may stray from the source
DECIMALS = 2  # of each coordinate: 0.01° is about a kilometre
MIN_RING_AREA = 0.003  # square degrees: an island this small is under a pixel on any map


class Command(BaseCommand):
    help = "Write reports/data/country_shapes.json from world-atlas's TopoJSON countries."

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="+",
            type=Path,
            help="world-atlas TopoJSON files, the preferred first "
            "(countries-50m.json countries-10m.json)",
        )
        parser.add_argument(
            "--output", type=Path, default=ASSET, help=f"where to write (default: {ASSET})"
        )

    def handle(self, *args, files, output, **options):
        countries = {}
        for path in files:
            try:
                topology = json.loads(path.read_text())
            except (OSError, ValueError) as error:
                raise CommandError(f"{path}: {error}") from error
            for code, country in read_countries(topology).items():
                countries.setdefault(code, country | {"scale": path.stem})
        header = {
            "source": SOURCE,
            "licence": LICENCE,
            "files": [path.name for path in files],
            "note": "Per M49 code: its name, the source file it comes from (scale), its "
            "polygons (each a list of rings, the outer ring first, [lon, lat] in degrees, "
            "unclosed; a ring across the antimeridian goes on past 180) and the point "
            "(lon, lat) where a map draws it as a dot when it is too small to see. "
            "Rebuild with manage.py build_country_shapes (see the README).",
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(as_json(header, countries))
        size = output.stat().st_size
        self.stdout.write(f"Wrote {len(countries)} countries to {output} ({size:,} bytes).")


def as_json(header, countries):
    """The asset's text: compact JSON, one country a line, so that a change shows in a diff as
    the countries it changes."""
    lines = [
        f"{json.dumps(code)}:{json.dumps(country, separators=(',', ':'))}"
        for code, country in sorted(countries.items())
    ]
    header = json.dumps(header, separators=(",", ":"), ensure_ascii=False)
    return header[:-1] + ',"countries":{\n' + ",\n".join(lines) + "\n}}\n"


def read_countries(topology):
    """{M49 code: {"name", "point", "polygons"}} of a TopoJSON topology's `countries` object.

    Pieces of the same code are one country: Natural Earth gives Australia's code to the
    Ashmore and Cartier Islands too. The name and the point are those of its largest piece."""
    arcs = [simplify(arc) for arc in decode_arcs(topology)]
    pieces = defaultdict(list)  # code: [(name, polygon), …]
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if not code or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue  # an area without a code (Kosovo, N. Cyprus…) is nobody's on our maps
        name = geometry.get("properties", {}).get("name", "")
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            pieces[code].append((name, [ring_points(ring, arcs) for ring in polygon]))
    countries = {}
    for code, named_polygons in pieces.items():
        name, largest = max(named_polygons, key=lambda piece: ring_area(piece[1][0]))
        countries[code] = {
            "name": name,
            "point": [round(value, DECIMALS) for value in centroid(largest[0])],
            "polygons": [kept for _, polygon in named_polygons if (kept := visible_rings(polygon))],
        }
    return countries


def visible_rings(polygon):
    """A polygon's rings (the outer one, then its holes) rounded, less those too small to see;
    none when the outer ring is too small."""
    outer, *holes = polygon
    if ring_area(outer) < MIN_RING_AREA or len(outer := rounded(outer)) < 3:
        return []
    holes = [rounded(hole) for hole in holes if ring_area(hole) >= MIN_RING_AREA]
    return [outer, *(hole for hole in holes if len(hole) >= 3)]


def decode_arcs(topology):
    """The topology's arcs as lists of (lon, lat): each arc's positions are quantized integers,
    every one after the first a difference from the one before it (TopoJSON's delta encoding)."""
    (scale_x, scale_y), (left, bottom) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + left, y * scale_y + bottom))
        arcs.append(points)
    return arcs


def ring_points(indexes, arcs):
    """A ring's points from its arcs: arc ~i is arc i backwards; consecutive arcs share their
    end and start point, which is kept once."""
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return unwrapped(points)


def unwrapped(ring):
    """A ring across the antimeridian (Russia's Chukotka, a sliver of Fiji) in one piece: where
    it jumps from 180° to -180°, it goes on to 181° instead; a ring that starts on the western
    side ends up east of -180° all the same."""
    points = ring[:1]
    for lon, lat in ring[1:]:
        previous = points[-1][0]
        lon += 360 * round((previous - lon) / 360)
        points.append((lon, lat))
    if min(lon for lon, _ in points) < -180:
        points = [(lon + 360, lat) for lon, lat in points]
    return points


def simplify(points):
    """Douglas-Peucker: the fewest points that keep the line within TOLERANCE of `points`.

    Arcs are simplified before they are joined into rings, so a border shared by two countries
    is simplified once and stays the same line on both sides (no slivers between neighbours)."""
    if len(points) < 3:
        return points
    keep = {0, len(points) - 1}
    spans = [(0, len(points) - 1)]
    while spans:
        first, last = spans.pop()
        farthest, distance = None, TOLERANCE
        for index in range(first + 1, last):
            d = distance_to_segment(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep.add(farthest)
            spans += [(first, farthest), (farthest, last)]
    return [points[index] for index in sorted(keep)]


def distance_to_segment(point, start, end):
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    length = dx * dx + dy * dy
    t = 0 if length == 0 else max(0, min(1, ((x - x1) * dx + (y - y1) * dy) / length))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def ring_area(points):
    """The area a ring encloses, in square degrees (shoelace formula)."""
    return abs(signed_area(points))


def signed_area(points):
    return (
        sum(
            x1 * y2 - x2 * y1
            for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True)
        )
        / 2
    )


def centroid(points):
    """The centre of a ring's area (of its points, for a ring too small to have one)."""
    area = signed_area(points)
    if abs(area) < 1e-12:
        return (
            sum(x for x, _ in points) / len(points),
            sum(y for _, y in points) / len(points),
        )
    pairs = zip(points, points[1:] + points[:1], strict=True)
    cx = cy = 0
    for (x1, y1), (x2, y2) in pairs:
        cross = x1 * y2 - x2 * y1
        cx, cy = cx + (x1 + x2) * cross, cy + (y1 + y2) * cross
    return cx / (6 * area), cy / (6 * area)


def rounded(ring):
    """A ring's points rounded to DECIMALS, without repeats and without the closing point."""
    points = []
    for lon, lat in ring:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points
