"""Serving Slack's HTTP requests: gunicorn workers running uvicorn, and a Starlette app in each.

serving.py          the gunicorn application and its uvicorn worker class, with their limits
protocol.py         uvicorn's HTTP protocol with a deadline and a size bound on request headers
app.py              the routes: /slack/events, /healthz, the OAuth pages; body limits; the request threads
slack_requests.py   signature check over the raw body, then a parse that cannot raise, then the envelope check
health.py           the health report (also served by the Socket Mode process)
"""
