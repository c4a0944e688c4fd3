"""Tests of the barometer room and of the corpus fields it reads."""
