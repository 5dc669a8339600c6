"""Gunicorn settings for the web process (DEP-2). No server banner (SEC-HDR)."""

import os

from gunicorn.http import wsgi

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60
# Idle keep-alive connections stay open longer than the proxy's own idle timeout (nginx 60 s, Azure Front Door and
# load balancers up to a few minutes), so the proxy, not gunicorn, closes them: when gunicorn closed first (its
# default is 2 s), a request sent on a connection at the moment it was closed failed with a reset — seen as
# connection errors under load by deploy/scaleout_check.py, which talks to the instances directly.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# One trust setting (SEC-IP): gunicorn believes X-Forwarded-Proto only from the proxies Django's client-IP resolver
# trusts (TRUSTED_PROXY_CIDRS, or any direct peer when TRUSTED_PROXY_HOPS says a proxy is always in front); nobody
# by default. Found from outside: it trusted loopback whatever TRUSTED_PROXY_* said.
_trusted_cidrs = [cidr.strip() for cidr in os.environ.get("TRUSTED_PROXY_CIDRS", "").split(",") if cidr.strip()]
_trusted_hops = int(os.environ.get("TRUSTED_PROXY_HOPS", "0") or 0)
forwarded_allow_ips = ",".join(_trusted_cidrs) if _trusted_cidrs else ("*" if _trusted_hops else "")
accesslog = "-"
limit_request_line = 8190
limit_request_fields = 100

# Gunicorn always names itself and its version in a Server header; production responses carry no such banner.
_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [header for header in _default_headers(self) if not header.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
