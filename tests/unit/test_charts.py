"""Server-rendered SVG bar charts: well-formed SVG with its title and a title
per bar, round axis ticks that always show zero, bars scaled to the axis,
zero and negative values, stacked bars, the locale's number format, and the
message when there is nothing to draw."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from app.web.charts import Series, axis_ticks, bar_chart, nice_step

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def rects(svg: ET.Element) -> list[dict]:
    """The bars (rects with a title; legend swatches have none)."""
    return [{"x": float(r.get("x")), "y": float(r.get("y")), "width": float(r.get("width")),
             "height": float(r.get("height")), "title": r.find(f"{SVG}title").text, "fill": r.get("fill")}
            for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]


def axis_labels(svg: ET.Element) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]


def zero_line(svg: ET.Element) -> float:
    return next(float(line.get("y1")) for line in svg.iter(f"{SVG}line") if line.get("stroke") == "#6c757d")


@pytest.mark.parametrize("span, step", [(D("1"), D("0.2")), (D("7"), D("2")), (D("1000"), D("200")),
                                        (D("1234.5"), D("250")), (D("0.03"), D("0.01")), (D("90000"), D("20000"))])
def test_steps_are_round(span, step):
    assert nice_step(span) == step


def test_ticks_cover_the_values_and_always_show_zero():
    assert axis_ticks(D("120"), D("980")) == [0, 200, 400, 600, 800, 1000]
    assert axis_ticks(D("-120"), D("380")) == [-200, -100, 0, 100, 200, 300, 400]
    assert axis_ticks(D("-50"), D("-10")) == [-50, -40, -30, -20, -10, 0]
    assert axis_ticks(D("0"), D("0")) == [0, 1]


def test_a_chart_is_well_formed_svg_with_titles_for_assistive_technology():
    svg = parse(bar_chart(["Jan", "Feb"], [Series("Total", [D("100"), D("50.5")])], title="Premium <volume>",
                          locale="en", empty="Nothing", description="See the table below."))
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id and svg.find(f"{SVG}title").text == "Premium <volume>"
    assert svg.find(f"{SVG}desc").get("id") == desc_id and svg.find(f"{SVG}desc").text == "See the table below."
    assert [bar["title"] for bar in rects(svg)] == ["Jan — Total: 100", "Feb — Total: 50.5"]
    assert "style" not in str(bar_chart(["a"], [Series("s", [1])], title="t", locale="en", empty="e"))


def test_bars_are_scaled_to_the_axis():
    svg = parse(bar_chart(["a", "b", "c"], [Series("s", [D("100"), D("50"), D("25")])], title="t", locale="en",
                          empty="e"))
    a, b, c = rects(svg)
    assert b["height"] == pytest.approx(a["height"] / 2, abs=0.2)
    assert c["height"] == pytest.approx(a["height"] / 4, abs=0.2)
    assert a["y"] + a["height"] == pytest.approx(zero_line(svg)) == b["y"] + b["height"]
    assert a["x"] < b["x"] < c["x"] and a["width"] == b["width"]


def test_zero_values_draw_no_bar_and_negative_values_hang_below_zero():
    svg = parse(bar_chart(["a", "b", "c"], [Series("s", [D("40"), D("0"), D("-20")])], title="t", locale="en",
                          empty="e"))
    positive, negative = rects(svg)
    zero = zero_line(svg)
    assert positive["y"] + positive["height"] == pytest.approx(zero)
    assert negative["y"] == pytest.approx(zero) and negative["height"] == pytest.approx(positive["height"] / 2,
                                                                                        abs=0.2)
    assert negative["title"] == "c — s: -20"
    assert "-20" in axis_labels(svg) and "0" in axis_labels(svg)


def test_grouped_bars_sit_side_by_side_and_stacked_bars_on_top_of_each_other():
    series = [Series("Collected", [D("30")]), Series("Outstanding", [D("10")])]
    grouped = rects(parse(bar_chart(["Jan"], series, title="t", locale="en", empty="e")))
    assert grouped[0]["x"] + grouped[0]["width"] == pytest.approx(grouped[1]["x"])
    stacked_svg = parse(bar_chart(["Jan"], series, title="t", locale="en", empty="e", stacked=True))
    low, high = rects(stacked_svg)
    assert low["x"] == high["x"] and high["y"] + high["height"] == pytest.approx(low["y"])
    assert low["height"] == pytest.approx(3 * high["height"], abs=0.2)
    assert low["fill"] != high["fill"]
    assert {t.text for t in stacked_svg.iter(f"{SVG}text")} >= {"Collected", "Outstanding"}


def test_stacked_negative_parts_go_below_zero():
    svg = parse(bar_chart(["a"], [Series("up", [D("30")]), Series("down", [D("-10")])], title="t", locale="en",
                          empty="e", stacked=True))
    up, down = rects(svg)
    zero = zero_line(svg)
    assert up["y"] + up["height"] == pytest.approx(zero) and down["y"] == pytest.approx(zero)


def test_horizontal_bars_grow_to_the_right_from_zero():
    svg = parse(bar_chart(["Mutuelle Alpha", "Beta"], [Series("s", [D("300"), D("100")])], title="t", locale="en",
                          empty="e", horizontal=True))
    alpha, beta = rects(svg)
    assert alpha["x"] == pytest.approx(beta["x"]) and alpha["width"] == pytest.approx(3 * beta["width"], abs=0.3)
    assert alpha["y"] < beta["y"]
    assert "Mutuelle Alpha" in {t.text for t in svg.iter(f"{SVG}text")}


def test_axis_labels_use_the_locale_number_format():
    chart = lambda locale: bar_chart(["a"], [Series("s", [D("1234567.5")])], title="t",  # noqa: E731
                                     locale=locale, empty="e")
    assert "1,250,000" in axis_labels(parse(chart("en")))
    assert "1\u202f250\u202f000" in axis_labels(parse(chart("fr")))
    money = bar_chart(["a"], [Series("s", [D("12.5")])], title="t", locale="fr", empty="e",
                      value_format=lambda value: f"{value} EUR")
    assert rects(parse(money))[0]["title"] == "a — s: 12.5 EUR"


def test_long_labels_are_shortened_and_many_months_tilted():
    months = [f"Month number {n}" for n in range(24)]
    svg = parse(bar_chart(months, [Series("s", list(range(1, 25)))], title="t", locale="en", empty="e"))
    labels = [t for t in svg.iter(f"{SVG}text") if t.get("transform")]
    assert len(labels) == 24 and all(len(t.text) <= 18 for t in labels)
    assert rects(svg)[0]["title"] == "Month number 0 — s: 1"


@pytest.mark.parametrize("categories, values", [([], []), (["a", "b"], [0, None])])
def test_nothing_to_draw_gives_the_message(categories, values):
    markup = str(bar_chart(categories, [Series("s", values)], title="t", locale="en", empty="No data <here>"))
    assert "<svg" not in markup and "No data &lt;here&gt;" in markup and re.match(r"^<p [^>]*>", markup)


def test_a_series_must_have_a_value_per_category():
    with pytest.raises(ValueError):
        bar_chart(["a", "b"], [Series("s", [1])], title="t", locale="en", empty="e")
