"""pact-video: the production pipeline for the PACT "Community Co-Op" video."""

__version__ = "0.1.0"
