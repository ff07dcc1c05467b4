"""The outage tests' cuttable proxy keeps its own promise: a cut or a server that goes ends the client's
connection, never leaves it waiting."""

import socket

from tests.integration.tcp_proxy import CuttableProxy


def test_a_cut_ends_every_connection_and_a_server_that_goes_ends_its_client() -> None:
    """The harness's own promise, which the outage tests rely on: no client is left waiting on a live socket
    whose server side is gone (a worker once waited for ever on one, its server side closed by one pump while
    the other pump still read from it)."""
    server = socket.create_server(("127.0.0.1", 0))
    proxy = CuttableProxy("127.0.0.1", int(server.getsockname()[1]))
    try:
        lone = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
        server.accept()[0].close()
        assert lone.recv(1) == b""  # the end of the connection, not a five-second wait
        clients = [socket.create_connection(("127.0.0.1", proxy.port), timeout=5) for _ in range(3)]
        accepted = [server.accept()[0] for _ in clients]
        proxy.cut()
        assert [client.recv(1) for client in clients] == [b""] * 3
        for sock in [lone, *clients, *accepted]:
            sock.close()
    finally:
        proxy.close()
        server.close()
