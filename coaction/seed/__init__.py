"""Demo data (Södertörn, DESIGN §9) and synthetic data at any scale for benchmarks."""
