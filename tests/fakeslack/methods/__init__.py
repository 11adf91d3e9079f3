"""Web API method handlers, one module per method family; importing this package registers them."""

from . import auth, chat, conversations, files, history, users, views
from .base import METHODS, ApiRequest, MethodSpec

__all__ = ["METHODS", "ApiRequest", "MethodSpec", "auth", "chat", "conversations", "files", "history", "users", "views"]
