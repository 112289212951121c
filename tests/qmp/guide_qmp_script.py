#!/usr/bin/env python3
import socket
import json
import time

def qmp_command(sock, cmd):
    sock.sendall(json.dumps(cmd).encode() + b'\n')
    response = sock.recv(4096)
    return json.loads(response)

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect(('localhost', 4444))

# Read banner
sock.recv(4096)

# Send capability negotiation
qmp_command(sock, {'execute': 'qmp_capabilities'})

# Hot-unplug device
qmp_command(sock, {
    'execute': 'device_del',
    'arguments': {'id': 'cxl-type1-0'}
})

time.sleep(5)

# Hot-plug device back
qmp_command(sock, {
    'execute': 'device_add',
    'arguments': {
        'driver': 'cxl-type1',
        'id': 'cxl-type1-0',
        'bus': 'root_port13',
        'memdev': 'cxl-mem1',
        'lsa': 'cxl-lsa1'
    }
})
