"""A Python web app on the standard library alone: a page, /api/info, and /api/words (POST text)."""
import json
import os
import platform
import socket
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8080"))


def info():
    return {
        "greeting": os.environ.get("GREETING", "hello"),
        "host": socket.gethostname(),
        "python": platform.python_version(),
    }


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, kind, body):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/":
            self.reply(200, "text/html", b"<h1>Python on Wisp</h1>\n")
        elif self.path == "/api/info":
            self.reply(200, "application/json", json.dumps(info()).encode())
        else:
            self.reply(404, "application/json", b'{"error": "not_found"}')

    def do_POST(self):
        if self.path != "/api/words":
            self.reply(404, "application/json", b'{"error": "not_found"}')
            return
        length = min(int(self.headers.get("Content-Length", "0")), 64 * 1024)
        words = self.rfile.read(length).decode("utf-8", "replace").split()
        top = Counter(w.lower() for w in words).most_common(3)
        self.reply(200, "application/json", json.dumps({"words": len(words), "top": top}).encode())

    def log_message(self, fmt, *args):
        # stdout: what `wisp logs` shows, apart from the kernel's lines
        print(fmt % args, flush=True)


if __name__ == "__main__":
    print(f"listening on :{PORT}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
