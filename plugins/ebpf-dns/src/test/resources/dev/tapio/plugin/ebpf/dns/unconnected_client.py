"""DNS client of KernelDnsTest: queries sent with sendto on unconnected UDP sockets, responses
read without asking for the sender's address.

Usage: unconnected_client.py PORT COUNT FIRST_ID MODE
  recv     a new socket per query, sendto then recv(): at the syscall, recvfrom with a NULL
           address (the usual Python client)
  recvmsg  one socket for every query, sendto then recvmsg with msg_name NULL (through ctypes:
           Python's own socket.recvmsg always asks for the address)
Prints "ID RCODE ANCOUNT" per answered query; exits non-zero on the first unanswered one.
"""
import ctypes
import select
import socket
import struct
import sys

port, count, first, mode = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def query(qid, name):
    labels = b"".join(bytes([len(l)]) + l.encode() for l in name.split("."))
    return (struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\0"
            + struct.pack(">HH", 1, 1))


class Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class Msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(Iovec)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


libc = ctypes.CDLL(None, use_errno=True)
libc.recvmsg.argtypes = [ctypes.c_int, ctypes.POINTER(Msghdr), ctypes.c_int]
libc.recvmsg.restype = ctypes.c_ssize_t


def recvmsg_without_name(s):
    buf = ctypes.create_string_buffer(512)
    iov = Iovec(ctypes.cast(buf, ctypes.c_void_p), len(buf))
    msg = Msghdr(None, 0, ctypes.pointer(iov), 1, None, 0, 0)
    n = libc.recvmsg(s.fileno(), ctypes.byref(msg), 0)
    if n < 0:
        raise OSError(ctypes.get_errno(), "recvmsg")
    return buf.raw[:n]


shared = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) if mode == "recvmsg" else None
for i in range(count):
    qid = first + i
    s = shared or socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(query(qid, "n%d.unconnected.test" % i), ("127.0.0.1", port))
    # Blocking socket (no settimeout, which would make recv poll first): wait here instead.
    if not select.select([s], [], [], 5)[0]:
        sys.exit("no response to id %d" % qid)
    r = s.recv(512) if mode == "recv" else recvmsg_without_name(s)
    rid, flags, _, ancount = struct.unpack(">HHHH", r[:8])
    if rid != qid:
        sys.exit("response id %d to query %d" % (rid, qid))
    print(qid, flags & 0xF, ancount, flush=True)
    if s is not shared:
        s.close()
