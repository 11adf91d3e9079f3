"""Messages signon sends in the background: claim a row, call Slack, record (bot/delivery/claim.py).

posts (letter posts and their live count), receipts, reminders, digests, letters (close announcements and
re-confirmation requests) and exports (files to a coordinator's DM)."""
