"""What every local HTTP emulator of a cloud API shares: a server on loopback on a free port,
served from a daemon thread, and a quiet request handler that answers with a body and its
content type. The emulators add their API's paths, answers and faults."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve_on_loopback(handler, path=""):
    """Starts `handler` on 127.0.0.1 on a free port; returns (server, port, base url + path)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port, f"http://127.0.0.1:{port}{path}"


class QuietHandler(BaseHTTPRequestHandler):
    """No access log on the test's output; `reply` writes a whole answer."""

    def log_message(self, *a):
        pass

    def reply(self, status, data, content_type, headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
