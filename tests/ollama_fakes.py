"""Ollama on 127.0.0.1 for tests: a look-alike that answers like Ollama and can be told to fail
mid-answer (stall, or hang up after the first words), a web server that is not Ollama, and a bare TCP
server that reads each request and then hangs up or never answers. They are fault injectors, real sockets
and real HTTP, not fake models: the code under test talks to them through its normal client.
"""

import json
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import free_port


class FakeOllamaHandler(BaseHTTPRequestHandler):
    """The parts of Ollama's API that Stride uses: /api/tags, /api/show and streaming /api/chat."""

    protocol_version = "HTTP/1.1"  # keep-alive and chunked streaming, as Ollama's server does

    def log_message(self, *args):
        pass

    def _json(self, status: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path != "/api/tags":
            return self._json(404, {"error": "not found"})
        models = [
            {"name": name, "model": name, "size": 1, "digest": "ab" * 32, "modified_at": "2025-01-01T00:00:00Z"}
            for name in self.server.models
        ]
        self._json(200, {"models": models})

    def do_POST(self):
        self.server.requests.append(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if body.get("model") not in self.server.models:
            return self._json(404, {"error": f"model '{body.get('model')}' not found"})  # Ollama's wording
        if self.path == "/api/show":
            return self._json(200, {"modelfile": "", "template": "", "details": {"format": "gguf"}})
        if self.path != "/api/chat":
            return self._json(404, {"error": "not found"})
        # Streamed as Ollama streams: HTTP/1.1 chunks, one JSON line each, so a client can tell a
        # finished answer (the last, empty chunk) from a connection that died half-way.
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        fault = self.server.chat_fault  # read once: a test may switch it while we answer
        part = {"model": body["model"], "created_at": "2025-01-01T00:00:00Z", "done": False}
        for number, word in enumerate(self.server.reply.split(" ")):
            if number == 2 and fault == "stall":  # a model that froze after its first words
                self.server.release.wait(60)
                self.close_connection = True
                return
            if number == 2 and fault == "hangup":  # a server that died mid-answer
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self._chunk({**part, "message": {"role": "assistant", "content": word + " "}})
        self._chunk({**part, "done": True, "done_reason": "stop", "message": {"role": "assistant", "content": ""}})
        self.wfile.write(b"0\r\n\r\n")

    def _chunk(self, message: dict):
        line = (json.dumps(message) + "\n").encode()
        self.wfile.write(f"{len(line):x}\r\n".encode() + line + b"\r\n")
        self.wfile.flush()


class NotOllamaHandler(BaseHTTPRequestHandler):
    """Some other web server: an HTML error page for everything."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_error(404, "File not found")

    do_POST = do_GET


@contextmanager
def fake_ollama(models=("llama3.2:3b",), reply="Do split squats.", handler=FakeOllamaHandler):
    """A real HTTP server answering like Ollama with `models` pulled; yields its URL and the server.

    Set `server.chat_fault` to "stall" or "hangup" to make /api/chat fail after two words of `reply`.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.models, server.reply, server.requests = list(models), reply, []
    server.chat_fault, server.release = None, threading.Event()  # chat_fault: None, "stall" or "hangup"
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


@contextmanager
def misbehaving_server(behaviour: str):
    """A TCP server that reads each request, then hangs up ("close") or never answers ("stall")."""
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()
    accepted = []

    def serve():
        listener.settimeout(0.1)
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(conn)
            conn.recv(65536)
            if behaviour == "close":
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        done.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        listener.close()


def free_port_url() -> str:
    """A 127.0.0.1 URL where nothing listens (the port was free a moment ago)."""
    return f"http://127.0.0.1:{free_port()}"
