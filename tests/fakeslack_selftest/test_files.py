"""The files upload v2 flow with slack_sdk's files_upload_v2 (slack-platform.md §1.7, §3, §7.2)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from tests.fakeslack import FakeSlack

from .conftest import take_violations

CSV = "organization,signed_by\nFriends of the Earth,Alice\n"


def test_upload_v2_three_steps_and_bytes_arrive(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="exports")
    resp = client.files_upload_v2(channel=channel["id"], filename="signers.csv", content=CSV, initial_comment="Export")
    assert [c.method for c in fake.calls()] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    get_url, upload, complete = fake.calls()
    assert get_url.params == {"filename": "signers.csv", "length": str(len(CSV.encode()))}
    assert "authorization" not in upload.headers
    assert upload.body == CSV.encode()
    assert complete.param_json("files") == [{"id": resp["file"]["id"], "title": "signers.csv"}]
    assert resp["file"]["shares"] == {}  # sharing is asynchronous on Slack
    (stored,) = fake.files()
    assert (stored["content"], stored["completed"], stored["channel"]) == (CSV.encode(), True, channel["id"])
    (message,) = fake.messages(channel["id"])
    assert message["text"] == "Export"
    assert message["files"][0]["id"] == stored["id"]
    info = client.files_info(file=stored["id"])["file"]
    assert list(info["shares"]["public"]) == [channel["id"]]


def test_upload_to_user_dm(fake: FakeSlack, client: WebClient) -> None:
    alice = fake.add_user(name="alice")
    dm = client.conversations_open(users=alice["id"])["channel"]["id"]
    client.files_upload_v2(channel=dm, filename="mine.csv", content=CSV)
    assert fake.files()[0]["channel"] == dm
    assert fake.dm_messages(alice["id"])[0]["files"][0]["name"] == "mine.csv"


def test_complete_errors(fake: FakeSlack, client: WebClient) -> None:
    outside = fake.add_channel(name="outside", bot_is_member=False)
    with pytest.raises(SlackApiError) as info:
        client.files_upload_v2(channel=outside["id"], filename="a.csv", content=CSV)
    assert info.value.response["error"] == "not_in_channel"
    with pytest.raises(SlackApiError) as info:
        client.files_completeUploadExternal(files=[{"id": "F404", "title": "x"}], channel_id=outside["id"])
    assert info.value.response["error"] == "file_not_found"
    not_uploaded = client.files_getUploadURLExternal(filename="b.csv", length=3)["file_id"]
    with pytest.raises(SlackApiError) as info:
        client.files_completeUploadExternal(files=[{"id": not_uploaded, "title": "b"}])
    assert info.value.response["error"] == "file_not_found"
    with pytest.raises(SlackApiError) as info, pytest.warns(UserWarning, match="files_upload_v2"):
        client.files_upload(channels=outside["id"], content="x", filename="x.txt")
    assert info.value.response["error"] == "method_deprecated"


def test_upload_url_failure_stops_the_flow(fake: FakeSlack, client: WebClient) -> None:
    """A 5xx from the upload URL reaches the caller (urllib raises before slack_sdk's status check)."""
    channel = fake.add_channel(name="exports")
    fake.inject("upload", status=500)
    with pytest.raises((urllib.error.HTTPError, SlackRequestError)):
        client.files_upload_v2(channel=channel["id"], filename="a.csv", content=CSV)
    assert fake.calls("upload")[0].status == 500
    assert fake.calls("files.completeUploadExternal") == []
    client.files_upload_v2(channel=channel["id"], filename="a.csv", content=CSV)  # next try succeeds
    assert fake.calls("upload")[1].status == 200


def test_length_mismatch_is_a_violation(fake: FakeSlack, client: WebClient) -> None:
    file_id = client.files_getUploadURLExternal(filename="a.csv", length=999)["file_id"]
    client._upload_file(  # the same call files_upload_v2 makes in step 2
        url=f"{fake.base_url}upload/{file_id}", data=b"abc", logger=client.logger, timeout=5, proxy=None, ssl=None
    )
    assert take_violations(fake) == [f"upload: {file_id} got 3 bytes, getUploadURLExternal said 999"]


def test_multipart_upload_is_accepted(fake: FakeSlack, client: WebClient) -> None:
    file_id = client.files_getUploadURLExternal(filename="a.txt", length=5)["file_id"]
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    ).encode()
    request = urllib.request.Request(
        f"{fake.base_url}upload/{file_id}",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as resp:
        assert resp.read() == b"OK - 5"
    assert fake.files()[0]["content"] == b"hello"
