"""A small web app: a page, a JSON counter and the environment it runs in."""
import json
import os
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8080"))
hits = 0


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        global hits
        hits += 1
        if self.path == "/api/info":
            body = json.dumps({
                "hits": hits,
                "host": socket.gethostname(),
                "greeting": os.environ.get("GREETING", "hello"),
                "cwd": os.getcwd(),
                "uid": os.getuid(),
            }).encode()
            kind = "application/json"
        else:
            body = b"<h1>Python on Wisp</h1>\n"
            kind = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        print(fmt % args, flush=True)


if __name__ == "__main__":
    print(f"listening on :{PORT}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
