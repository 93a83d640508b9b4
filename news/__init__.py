"""Khabar's news pipeline: feeds, fetching, extraction, dedup, stories, language, topics, summaries."""

__all__: list[str] = []
