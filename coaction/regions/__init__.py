"""Municipalities and their yearly figures: the denominators of fees and coverage."""
