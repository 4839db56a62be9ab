"""Drives the randcond-csharp kernel with Debian's jupyter_client, a client we did not write.

usage: /usr/bin/python3 kernel_client_checks.py SCENARIO [ARG]
Prints one JSON object with what it observed on the last line; the C# tests assert on it.
The kernelspec is found through JUPYTER_PATH. The kernel is shut down (killed if need be) on every exit path.
"""
import json
import os
import queue
import sys
import time

import zmq
from jupyter_client import KernelManager
from jupyter_client.session import Session

TIMEOUT = 20


def execute(kc, code):
    """Runs code and returns (reply content, [(msg_type, content)] of its iopub messages up to idle)."""
    msg_id = kc.execute(code)
    return collect(kc, msg_id)


def collect(kc, msg_id):
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    # wait_for_ready may have sent more than one kernel_info_request on a slow machine: skip their late replies.
    while reply["msg_type"] == "kernel_info_reply":
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == msg_id, "reply to another request"
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return reply["content"], outputs
        if msg["msg_type"] != "status":
            outputs.append({"type": msg["msg_type"], "content": msg["content"]})


def wait_until_busy(kc, msg_id):
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            return


def forged(km, kc, marker):
    """Sends execute_requests with a wrong and a missing signature straight to the shell socket."""
    code = 'System.IO.File.WriteAllText(@"%s", "forged");' % marker
    info = km.get_connection_info()
    wrong_key = Session(key=b"not-the-key", username="mallory")
    unsigned = Session(key=b"", username="mallory")
    context = zmq.Context.instance()
    shell = context.socket(zmq.DEALER)
    shell.linger = 0
    shell.connect("%s://%s:%d" % (info["transport"], info["ip"], info["shell_port"]))
    time.sleep(0.2)  # let the connection settle so the messages are not queued behind it
    for session in (wrong_key, unsigned):
        session.send(shell, "execute_request", {"code": code, "silent": False, "store_history": True,
                                                "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    answered = shell.poll(1000) != 0
    shell.close()
    reply, outputs = execute(kc, "6 * 7")
    return {"forged_answered": answered, "marker_exists": os.path.exists(marker),
            "signed_reply": reply, "signed_outputs": outputs}


def interrupt(km, kc):
    results = []
    for code in ("while (true) { }", "Thread.Sleep(60000);"):
        msg_id = kc.execute(code)
        wait_until_busy(kc, msg_id)
        time.sleep(0.3)
        started = time.time()
        km.interrupt_kernel()
        reply, outputs = collect(kc, msg_id)
        results.append({"code": code, "reply": reply, "outputs": outputs, "seconds": time.time() - started})
    reply, outputs = execute(kc, "40 + 2")
    return {"interrupted": results, "next_reply": reply, "next_outputs": outputs}


def compile_error(km, kc):
    bad_reply, bad_outputs = execute(kc, 'int x = "not a number";')
    silent_reply, silent_outputs = collect(kc, kc.execute('Console.WriteLine("shh"); var hidden = 2;', silent=True))
    reply, outputs = execute(kc, "var y = 20;\ny + 20 + hidden")
    return {"bad_reply": bad_reply, "bad_outputs": bad_outputs, "silent_reply": silent_reply,
            "silent_outputs": silent_outputs, "next_reply": reply, "next_outputs": outputs}


def streaming(km, kc):
    """A cell that prints three lines 1 s apart: reads shell and iopub together and stamps each message on arrival."""
    code = 'for (var i = 1; i <= 3; i++) { Console.WriteLine($"line {i}"); Thread.Sleep(1000); }'
    msg_id = kc.execute(code)
    started = time.time()
    arrivals = []
    reply = None
    idle = False
    while reply is None or not idle:
        if time.time() - started > TIMEOUT:
            raise TimeoutError("no reply or idle within %d s" % TIMEOUT)
        msg = poll(kc.get_iopub_msg)
        if msg is not None and msg["parent_header"].get("msg_id") == msg_id:
            if msg["msg_type"] == "status":
                idle = idle or msg["content"]["execution_state"] == "idle"
            elif msg["msg_type"] != "execute_input":
                arrivals.append({"type": msg["msg_type"], "content": msg["content"],
                                 "seconds": round(time.time() - started, 3)})
        msg = poll(kc.get_shell_msg) if reply is None else None
        if msg is not None and msg["msg_type"] != "kernel_info_reply":
            assert msg["parent_header"]["msg_id"] == msg_id, "reply to another request"
            reply = msg["content"]
            arrivals.append({"type": "execute_reply", "content": reply, "seconds": round(time.time() - started, 3)})
    return {"arrivals": arrivals}


def poll(get):
    """One message if it arrives within 5 ms, else None (jupyter_client's msg_ready is a coroutine here)."""
    try:
        return get(timeout=0.005)
    except queue.Empty:
        return None


def display_updates(km, kc):
    """display(...) returns a handle; Update sends update_display_data with the display_id in transient."""
    reply, outputs = execute(kc, 'var h = display("first");\nh.Update("second");\nh.Update("third");')
    return {"reply": reply, "outputs": outputs}


def hostile(km, kc, marker):
    """Signed requests with malformed content, headers that are not Jupyter's, unsigned garbage and a replayed message,
    sent straight to the shell socket with the session's key. Each request must get a reply; nothing may kill the kernel."""
    info = km.get_connection_info()
    session = Session(key=km.session.key, username="mallory")
    shell = zmq.Context.instance().socket(zmq.DEALER)
    shell.linger = 0
    shell.connect("%s://%s:%d" % (info["transport"], info["ip"], info["shell_port"]))
    time.sleep(0.2)

    def signed_frames(header, content):
        parts = [session.pack(p) for p in (header, {}, {}, content)]
        return [b"<IDS|MSG>", session.sign(parts)] + parts

    def request(msg_type, content):
        return signed_frames(session.msg_header(msg_type), content)

    def answer():
        if not shell.poll(5000):
            return None
        frames = shell.recv_multipart()
        header = json.loads(frames[frames.index(b"<IDS|MSG>") + 2])
        return {"msg_type": header["msg_type"], "content": json.loads(frames[frames.index(b"<IDS|MSG>") + 5])}

    malformed = [
        ("execute_request", {"code": 5}),
        ("execute_request", {"code": "1", "silent": "no"}),
        ("execute_request", {"silent": False}),
        ("shutdown_request", {"restart": "yes"}),
        ("complete_request", {"code": "Con", "cursor_pos": "x"}),
        ("inspect_request", {"code": "Console", "cursor_pos": -1}),
        ("is_complete_request", {"code": ["a"]}),
        ("frobnicate_request", {}),
    ]
    replies = []
    for msg_type, content in malformed:
        shell.send_multipart(request(msg_type, content))
        replies.append({"request": msg_type, "content": content, "reply": answer()})

    header = session.msg_header("kernel_info_request")
    dropped = []
    for name, frames in [
        ("numeric msg_type", signed_frames(dict(header, msg_type=5), {})),
        ("missing msg_type", signed_frames({k: v for k, v in header.items() if k != "msg_type"}, {})),
        ("header not an object", [b"<IDS|MSG>", session.sign([b"[1]", b"{}", b"{}", b"{}"]), b"[1]", b"{}", b"{}", b"{}"]),
        ("duplicate keys", [b"<IDS|MSG>", session.sign([b'{"msg_type": "kernel_info_request", "msg_id": "a", "msg_id": "b"}', b"{}", b"{}", b"{}"]),
                            b'{"msg_type": "kernel_info_request", "msg_id": "a", "msg_id": "b"}', b"{}", b"{}", b"{}"]),
        ("content not JSON", [b"<IDS|MSG>", session.sign([session.pack(header), b"{}", b"{}", b"\xff"]),
                              session.pack(header), b"{}", b"{}", b"\xff"]),
        ("unsigned one frame", [b"x"]),
        ("unsigned empty frames", [b"", b""]),
        ("delimiter only", [b"<IDS|MSG>"]),
    ]:
        shell.send_multipart(frames)
        dropped.append({"case": name, "answered": shell.poll(300) != 0})
        while shell.poll(0):
            shell.recv_multipart()

    code = 'System.IO.File.AppendAllText(@"%s", "ran\\n");' % marker
    replayed = request("execute_request", {"code": code, "silent": False, "store_history": True,
                                            "user_expressions": {}, "allow_stdin": False})
    shell.send_multipart(replayed)
    first = answer()
    shell.send_multipart(replayed)
    second = answer()
    shell.close()
    runs = open(marker).read().count("ran") if os.path.exists(marker) else 0
    reply, outputs = execute(kc, "6 * 7")
    return {"replies": replies, "dropped": dropped, "replay_first": first, "replay_second": second,
            "replay_runs": runs, "after_reply": reply, "after_outputs": outputs}


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


def memory(km, kc, cells):
    """Runs CELLS one-line cells and samples the kernel's resident memory every 50 cells."""
    pid = km.provisioner.process.pid
    samples = [{"cells": 0, "rss_kb": rss_kb(pid)}]
    started = time.time()
    for i in range(1, cells + 1):
        reply, _ = execute(kc, "var x%d = %d;" % (i, i))
        assert reply["status"] == "ok", reply
        if i % 50 == 0:
            samples.append({"cells": i, "rss_kb": rss_kb(pid), "seconds": round(time.time() - started, 1)})
    return {"samples": samples}


def orphan():
    """Starts a kernel and exits without shutting it down: the kernel must notice and exit by itself."""
    km = KernelManager(kernel_name="randcond-csharp")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    print(json.dumps({"kernel_pid": km.provisioner.process.pid}), flush=True)
    os._exit(0)


def main():
    scenario = sys.argv[1]
    if scenario == "orphan":
        orphan()
    km = KernelManager(kernel_name="randcond-csharp")
    km.start_kernel()
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=TIMEOUT)
        if scenario == "forged":
            result = forged(km, kc, sys.argv[2])
        elif scenario == "interrupt":
            result = interrupt(km, kc)
        elif scenario == "compile-error":
            result = compile_error(km, kc)
        elif scenario == "hostile":
            result = hostile(km, kc, sys.argv[2])
        elif scenario == "streaming":
            result = streaming(km, kc)
        elif scenario == "display":
            result = display_updates(km, kc)
        elif scenario == "memory":
            result = memory(km, kc, int(sys.argv[2]))
        else:
            raise SystemExit("unknown scenario " + scenario)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
