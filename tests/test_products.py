"""Tests for the one "skip if fresh, else make and record" mechanism (core/cache.py, render/products.py)."""

from __future__ import annotations

from pathlib import Path

from pipeline.core import cache
from pipeline.core.report import Reporter
from pipeline.render.products import Products


def maker(calls: list[list[Path]]):
    def make(stale: list[Path]) -> str:
        calls.append(list(stale))
        for path in stale:
            path.write_text("made")
        return "value"

    return make


def test_a_product_is_made_once_then_fresh(tmp_path):
    store = cache.ProductStore(tmp_path / ".keys")
    out = tmp_path / "out.txt"
    calls: list[list[Path]] = []
    made = store.make_unless_fresh({out: "k1"}, maker(calls))
    assert made == cache.Made([out], "value")
    assert store.is_fresh([out], "k1")
    assert store.make_unless_fresh({out: "k1"}, maker(calls)) is None
    assert calls == [[out]]


def test_a_new_key_or_a_missing_file_makes_it_again(tmp_path):
    store = cache.ProductStore(tmp_path / ".keys")
    out = tmp_path / "out.txt"
    calls: list[list[Path]] = []
    store.make_unless_fresh({out: "k1"}, maker(calls))
    assert store.make_unless_fresh({out: "k2"}, maker(calls)) is not None
    out.unlink()
    assert store.make_unless_fresh({out: "k2"}, maker(calls)) is not None
    assert calls == [[out], [out], [out]]


def test_only_the_stale_products_are_made_and_recorded(tmp_path):
    store = cache.ProductStore(tmp_path / ".keys")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    calls: list[list[Path]] = []
    store.make_unless_fresh({a: "a1", b: "b1"}, maker(calls))
    made = store.make_unless_fresh({a: "a1", b: "b2"}, maker(calls))
    assert made is not None and made.products == [b]
    assert calls == [[a, b], [b]]
    assert store.is_fresh([a], "a1") and store.is_fresh([b], "b2")


def test_a_fresh_product_that_is_not_intact_is_made_again(tmp_path):
    store = cache.ProductStore(tmp_path / ".keys")
    out = tmp_path / "out.txt"
    calls: list[list[Path]] = []
    store.make_unless_fresh({out: "k"}, maker(calls))
    assert store.make_unless_fresh({out: "k"}, maker(calls), intact=lambda: True) is None
    assert store.make_unless_fresh({out: "k"}, maker(calls), intact=lambda: False) is not None
    assert calls == [[out], [out]]


def test_products_note_what_this_run_made(tmp_path):
    products = Products(cache.ProductStore(tmp_path / ".keys"), Reporter())
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    calls: list[list[Path]] = []
    products.make({a: "a", b: "b"}, maker(calls))
    products.make({a: "a", b: "b"}, maker(calls))
    products.make({tmp_path / "manifest.json": "m"}, maker(calls), name="dist/")
    assert products.rendered == ["a.txt", "b.txt", "dist/"]
