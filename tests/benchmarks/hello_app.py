"""A bare Flask app answering "hello": the floor that gunicorn and Flask cost before the app does anything."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
