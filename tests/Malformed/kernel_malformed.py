"""Sends malformed messages to the randcond-csharp kernel over ZeroMQ and says what the kernel did with each.

usage: /usr/bin/python3 kernel_malformed.py CASES.json
CASES.json: [{"name", "channel": "shell"|"control", "sign": "key"|"wrong-key"|"none", "frames": [base64, ...]}].
"key" and "wrong-key" put the delimiter and an HMAC-SHA256 of the frames (with the session's key, or another) before
them; "none" sends the frames as they are. Prints one JSON object on its last line: {"results": [{"name", "outcome",
"detail"}]}, outcome one of error_reply, ok_reply, dropped (no answer, the kernel still serves), died (the kernel
process exited), unresponsive (no answer to a kernel_info_request after it). A kernel that died or stopped answering
is started again for the next case. The kernelspec is found through JUPYTER_PATH.
"""
import base64
import hashlib
import hmac
import json
import sys
import time

import zmq
from jupyter_client import KernelManager

REPLY_WAIT_S = 3
ALIVE_TIMEOUT = 20


class Kernel:
    def __init__(self):
        self.km = KernelManager(kernel_name="randcond-csharp")
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        info = self.km.get_connection_info()
        self.key = self.km.session.key
        self.sockets = {}
        for channel in ("shell", "control"):
            socket = zmq.Context.instance().socket(zmq.DEALER)
            socket.linger = 0
            socket.connect("%s://%s:%d" % (info["transport"], info["ip"], info[channel + "_port"]))
            self.sockets[channel] = socket
        time.sleep(0.2)

    def responsive(self):
        msg_id = self.kc.kernel_info()
        deadline = time.time() + ALIVE_TIMEOUT
        while time.time() < deadline:
            try:
                reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
            except Exception:
                return False
            if reply["parent_header"].get("msg_id") == msg_id:
                return True
        return False

    def close(self):
        for socket in self.sockets.values():
            socket.close()
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def sign(key, frames):
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for frame in frames:
        mac.update(frame)
    return mac.hexdigest().encode()


def msg_id_of(header_frame):
    try:
        header = json.loads(header_frame)
        return header.get("msg_id") if isinstance(header, dict) else None
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's parser goes
        return None


def run_case(kernel, case):
    frames = [base64.b64decode(f) for f in case["frames"]]
    if case["sign"] != "none":
        key = kernel.key if case["sign"] == "key" else b"not-the-key"
        frames = [b"<IDS|MSG>", sign(key, frames[:4])] + frames
    at = frames.index(b"<IDS|MSG>") if b"<IDS|MSG>" in frames else -1
    sent_id = msg_id_of(frames[at + 2]) if 0 <= at and at + 2 < len(frames) else None
    socket = kernel.sockets[case["channel"]]
    socket.send_multipart(frames)
    outcome, detail = "dropped", ""
    deadline = time.time() + REPLY_WAIT_S
    # Only a reply to this message counts: a slow reply to an earlier one is read and set aside.
    while sent_id is not None and time.time() < deadline:
        if not socket.poll(max(1, int((deadline - time.time()) * 1000))):
            break
        reply = socket.recv_multipart()
        try:
            at = reply.index(b"<IDS|MSG>")
            header = json.loads(reply[at + 2])
            parent = json.loads(reply[at + 3])
            content = json.loads(reply[at + 5])
        except (ValueError, IndexError, RecursionError) as e:
            outcome, detail = "ok_reply", "unreadable reply: %r" % e
            break
        if parent.get("msg_id") != sent_id:
            continue
        status = content.get("status")
        outcome = "error_reply" if status == "error" else "ok_reply"
        detail = "%s %s: %s" % (header.get("msg_type"), status, content.get("evalue", ""))
        break
    if not kernel.km.is_alive():
        return "died", detail
    if not kernel.responsive():
        return "unresponsive", detail
    return outcome, detail


def main():
    cases = json.load(open(sys.argv[1]))
    results = []
    kernel = Kernel()
    try:
        for case in cases:
            outcome, detail = run_case(kernel, case)
            results.append({"name": case["name"], "outcome": outcome, "detail": detail})
            if outcome in ("died", "unresponsive"):
                kernel.close()
                kernel = Kernel()
    finally:
        kernel.close()
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
