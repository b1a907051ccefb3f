"""Subtitles: the cue model, reading and writing, segmentation from word times, quality checks."""
