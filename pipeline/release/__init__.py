"""The release: what the partner schools download from dist/, made from finished renders and subtitles."""
