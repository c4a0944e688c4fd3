"""Tests of app.py and screens/: AppTest and a real browser."""
