"""A bare Flask app answering "hello": the floor that gunicorn and Flask cost before the app does anything; and
a body of a given size, the floor for sending an answer that large."""

from flask import Flask, Response

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"


@app.get("/bytes/<int:size>")
def sized(size: int) -> Response:
    return Response(b"x" * size, mimetype="application/octet-stream")
