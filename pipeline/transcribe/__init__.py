"""Speech to timed words: Whisper engines behind one interface, with offline model provisioning."""
