#!/bin/sh
# A shell function: Wisp runs this once per request inside its microVM.
# The request body is on stdin; method, path and query are in REQUEST_METHOD, PATH_INFO,
# QUERY_STRING; headers in HTTP_* variables. What it prints is the response; the optional
# lines before the first empty line set the status and content type (CGI style).
body=$(cat)
words=$(printf '%s' "$body" | wc -w)
echo "Status: 200"
echo "Content-Type: application/json"
echo
printf '{"words": %d, "method": "%s", "instance": "%s"}\n' "$words" "$REQUEST_METHOD" "$(hostname)"
