"""A process's memory stays flat while documents that would answer tens of megabytes arrive:
each is refused once its loaders have handed out `MAX_RESPONSE_BYTES` of text.

Measured on a real API process (a subprocess, as shipped) from /proc, never by time.
"""

from __future__ import annotations

from pathlib import Path

from tests.chat.documents import create_conversation, send
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient
from tests.support.processes import ApiProcess

TURNS = 40
# Fifteen aliases (the most allowed) of one long conversation's last 100 messages: about
# 18 MB of text, under the document cost budget.
ALIASED = (
    "query Long($id: ID!) { "
    + " ".join(
        f"a{i}: conversation(id: $id) "
        "{ messages(last: 100) { edges { node { content } } } }"
        for i in range(15)
    )
    + " }"
)
MIB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


async def test_twenty_oversized_documents_are_refused_and_the_process_memory_stays_flat(
    database: str, fake_provider: FakeProviderServer
) -> None:
    async with ApiProcess(fake_provider) as api, GraphQLClient(api.url) as client:
        client.http.timeout = 60
        token = (await client.register("memory@example.com"))["accessToken"]
        conversation = await create_conversation(client, token)
        for turn in range(TURNS):
            content = f"{turn} " + "x" * 30_000
            assert not (await send(client, token, conversation["id"], content)).errors

        async def oversized() -> None:
            result = await client(ALIASED, {"id": conversation["id"]}, token=token)
            assert result.data is None
            assert result.codes == ["BAD_USER_INPUT"]

        before = rss_bytes(api.pid)
        for _ in range(20):
            await oversized()
        after = rss_bytes(api.pid)
        print(f"RSS before {before / MIB:.1f} MiB, after 20 documents {after / MIB:.1f} MiB")
        # Measured: about 1 MiB over 20 (before the fix, about 10 MiB and climbing).
        assert after - before < 8 * MIB
