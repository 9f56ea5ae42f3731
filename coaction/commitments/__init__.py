"""Commitments and their progress reports (the views come with the commitments issue)."""
