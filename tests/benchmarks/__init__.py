"""Benchmarks: run by `make bench`, never collected by pytest; they print figures and assert no timing."""
