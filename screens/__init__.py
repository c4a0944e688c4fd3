"""The Streamlit pages of the studio (app.py runs them), their shared rendering helpers and caches."""
