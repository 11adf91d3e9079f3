"""The files upload v2 flow and files.info (slack-platform.md §1.7, §3, §7.2).

1. ``files.getUploadURLExternal(filename, length)`` → ``upload_url`` + ``file_id``;
2. ``POST upload_url`` with the raw bytes, no Authorization header (slack_sdk posts the bytes with
   urllib's default form content type; multipart bodies are accepted too) → HTTP 200 ``OK - <n>``;
3. ``files.completeUploadExternal(files=[{id,title}], channel_id|channels, initial_comment,
   thread_ts)`` → ``files`` whose ``shares`` are still empty (sharing is asynchronous, §3); the file
   message is then posted into each channel and ``files.info`` shows the shares.

``files.upload`` answers ``method_deprecated`` (retired for new apps, §3).
"""

from __future__ import annotations

from typing import Any

from ..errors import ApiError, invalid_arguments, missing_field
from ..http_parsing import BodyError, parse_multipart
from ..state import FileRecord, Message
from .base import ApiRequest, api_method
from .chat import ensure_can_post, resolve_channel

FILES_WRITE = ("files:write",)
MAX_SHARE_CHANNELS = 100


@api_method("files.getUploadURLExternal", scopes=FILES_WRITE)
def get_upload_url(req: ApiRequest) -> dict[str, Any]:
    filename = req.arg("filename")
    if filename is None:
        raise missing_field("filename")
    if req.arg("length") is None:
        raise missing_field("length")
    length = req.int_arg("length", 0)
    if length <= 0:
        raise ApiError("missing_argument")
    state = req.state
    record = FileRecord(
        id=state.ids.new("F"),
        filename=filename,
        length=length,
        team_id=req.auth.team_id,
        user=req.bot_user_id,
        created=int(state.now()),
        alt_txt=req.arg("alt_txt"),
        snippet_type=req.arg("snippet_type"),
    )
    state.files[record.id] = record
    return {"upload_url": f"{req.fake.base_url}upload/{record.id}", "file_id": record.id}


def receive_upload(req_state: Any, file_id: str, body: bytes, content_type: str) -> tuple[int, str, str | None]:
    """Store bytes POSTed to an upload URL; return ``(status, text body, violation or None)``."""
    record = req_state.files.get(file_id)
    if record is None or record.completed:
        return 404, "Not Found", None
    content = body
    if content_type.lower().startswith("multipart/form-data"):
        try:
            _fields, files = parse_multipart(body, content_type)
        except BodyError:
            return 400, "Bad Request", "upload: malformed multipart body"
        if not files:
            return 400, "Bad Request", "upload: multipart body without a file part"
        content = next(iter(files.values()))
    record.content = content
    record.uploaded = True
    violation = None
    if len(content) != record.length:
        violation = f"upload: {file_id} got {len(content)} bytes, getUploadURLExternal said {record.length}"
    return 200, f"OK - {len(content)}", violation


@api_method("files.completeUploadExternal", scopes=FILES_WRITE)
def complete_upload(req: ApiRequest) -> dict[str, Any]:
    state = req.state
    files_arg = req.json_arg("files", error="invalid_arguments")
    if not isinstance(files_arg, list) or not files_arg:
        raise missing_field("files")
    records: list[tuple[FileRecord, str | None]] = []
    for item in files_arg:
        if not isinstance(item, dict) or not item.get("id"):
            raise invalid_arguments("[ERROR] missing required field: id [json-pointer:/files/0/id]")
        record = state.files.get(str(item["id"]))
        if record is None or not record.uploaded or record.completed or record.team_id != req.auth.team_id:
            raise ApiError("file_not_found")
        records.append((record, item.get("title")))
    channel_ids: list[str] = []
    if req.arg("channel_id"):
        channel_ids.append(req.arg("channel_id") or "")
    if req.arg("channels"):
        channel_ids.extend(c.strip() for c in (req.arg("channels") or "").split(",") if c.strip())
    if len(channel_ids) > MAX_SHARE_CHANNELS:
        raise ApiError("channels_limit_exceeded")
    channels = []
    for channel_id in channel_ids:
        channel = resolve_channel(req, channel_id)
        ensure_can_post(req, channel)
        channels.append(channel)
    initial_comment = req.arg("initial_comment")
    thread_ts = req.arg("thread_ts")
    response_files = []
    for record, title in records:
        record.title = str(title) if title else record.filename
        record.completed = True
        record.initial_comment = initial_comment
        record.thread_ts = thread_ts
        response_files.append(state.file_json(record, with_shares=False))
    for channel in channels:
        message = Message(
            channel=channel.id,
            ts=state.ids.ts(),
            text=initial_comment or "",
            user=req.bot_user_id,
            team=req.auth.team_id,
            thread_ts=thread_ts,
            files=[state.file_json(r, with_shares=False) for r, _ in records],
            source="files.completeUploadExternal",
        )
        state.add_message(message)
        bucket = "private" if channel.is_private or channel.is_im or channel.is_mpim else "public"
        for record, _ in records:
            record.channels.append(channel.id)
            share = {"ts": message.ts, "channel_name": channel.name, "team_id": channel.team_id}
            if thread_ts:
                share["thread_ts"] = thread_ts
            record.shares.setdefault(bucket, {}).setdefault(channel.id, []).append(share)
    return {"files": response_files}


@api_method("files.info", scopes=("files:read",))
def info(req: ApiRequest) -> dict[str, Any]:
    record = req.state.files.get(req.arg("file") or "")
    if record is None or not record.completed or record.team_id != req.auth.team_id:
        raise ApiError("file_not_found")
    return {"file": req.state.file_json(record), "comments": [], "response_metadata": {"next_cursor": ""}}


@api_method("files.upload", scopes=FILES_WRITE)
def legacy_upload(req: ApiRequest) -> dict[str, Any]:
    raise ApiError("method_deprecated")
