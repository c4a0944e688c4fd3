"""The barometer and the compass: the home territory's indicators over the years, its place among peers, scores."""
