"""Asking the broker over the Kafka wire protocol whether it is ready (registered and unfenced)."""

from __future__ import annotations

import socket
import struct

from ctax.local_kafka.properties import NODE_ID


def metadata_broker_ids(host: str, port: int, timeout: float) -> list[int]:
    """Send a Kafka Metadata (v4, no topics) request and return the node ids of the brokers listed.

    A KRaft broker only lists itself once it has registered with the controller and been
    unfenced, which is when clients can really use it.
    """
    client_id = b"ctax-local-kafka"
    correlation_id = 7
    # Request header v1: api_key, api_version, correlation_id, client_id (int16-length string).
    header = struct.pack(">hhih", 3, 4, correlation_id, len(client_id)) + client_id
    # Metadata v4 body: topics = empty array (no topics), allow_auto_topic_creation = false.
    body = struct.pack(">i?", 0, False)
    request = header + body
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _recv_exactly(sock, 4))
        payload = _recv_exactly(sock, size)
    received_id, _throttle_ms, broker_count = struct.unpack_from(">iii", payload, 0)
    if received_id != correlation_id:
        raise ConnectionError(f"unexpected correlation id {received_id}")
    offset = 12
    ids: list[int] = []
    for _ in range(broker_count):
        node_id, host_len = struct.unpack_from(">ih", payload, offset)
        offset += 6 + host_len
        (_port, rack_len) = struct.unpack_from(">ih", payload, offset)
        offset += 6 + max(rack_len, 0)
        ids.append(node_id)
    return ids


def _recv_exactly(sock: socket.socket, count: int) -> bytes:
    """Read exactly ``count`` bytes from ``sock`` or raise ``ConnectionError``."""
    chunks: list[bytes] = []
    remaining = count
    while remaining > 0:
        chunk = sock.recv(remaining)
        if not chunk:
            raise ConnectionError("connection closed by the broker")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def broker_answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Tell whether a broker on ``host:port`` answers a Metadata request listing node 1."""
    try:
        return NODE_ID in metadata_broker_ids(host, port, timeout)
    except (OSError, struct.error):
        return False
