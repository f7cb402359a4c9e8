"""The gevent worker's connections: Nagle's algorithm off on every one it accepts.

pywsgi writes a response's headers and body in two sends; with Nagle on, a kept-alive
connection (a browser's, nginx's upstream `keepalive`) waited for the peer's delayed ACK before
the body left: 40 ms on every request after a connection's first (measured with a keep-alive
client: 51 ms per `PUT …/order`, 3.1 ms with TCP_NODELAY). The test takes a connection the way
the production server does (its own listening socket, its accept, its handler class) and reads
the option off the accepted socket; no timing.
"""

from __future__ import annotations

import socket

from cabinet.serve import make_server


def test_an_accepted_connection_has_nagle_off(app):
    server = make_server(app, "127.0.0.1", 0)
    server.init_socket()
    try:
        port = server.socket.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            accepted = server.do_read()  # what the server hands each connection's handler
            assert accepted is not None
            sock, address = accepted
            try:
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0  # as accepted
                server.handler_class(sock, address, server)
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
            finally:
                sock.close()
    finally:
        server.close()
