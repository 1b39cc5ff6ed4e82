#!/usr/bin/env python3
"""A minimal live-pusher IUT driver in Python (3.8+, standard library only), written from
docs/driver-protocol.md alone.

It pushes the bench's materialized sources (create.params.rig.camera.front.url and
rig.microphone.url, or a rig `file` source) with one ffmpeg per push and claims the core only:
attributes url, mode, autopush, muted, enable-camera, enable-mic, min-bitrate, max-bitrate,
fps, orientation; methods start, stop; events statechange, netstatus, error. ffmpeg comes from
$FFMPEG_PATH (the bench sets it), else `ffmpeg` on PATH. Logs go to stderr.

Run it: npx lpbench conformance --iut "python3 examples/python-driver/driver.py"
"""
import json
import os
import re
import subprocess
import sys
import threading
import time

PROTOCOL_VERSION = 1
CAPABILITIES = {
    "attributes": ["url", "mode", "autopush", "muted", "enable-camera", "enable-mic",
                   "min-bitrate", "max-bitrate", "fps", "orientation"],
    "methods": ["start", "stop"],
    "events": ["statechange", "netstatus", "error"],
}
FFMPEG = os.environ.get("FFMPEG_PATH") or "ffmpeg"
# Encoded size and bitrate range (kbps) per mode (context-api.md's vendor table; QVGA and HVGA are
# quarter and half VGA held portrait; RTC is the default).
MODES = {
    "QVGA": {"width": 240, "height": 320, "min_kbps": 150, "max_kbps": 400},
    "HVGA": {"width": 320, "height": 480, "min_kbps": 200, "max_kbps": 530},
    "SD": {"width": 360, "height": 640, "min_kbps": 300, "max_kbps": 800},
    "HD": {"width": 540, "height": 960, "min_kbps": 600, "max_kbps": 1500},
    "FHD": {"width": 720, "height": 1280, "min_kbps": 600, "max_kbps": 1800},
    "RTC": {"width": 360, "height": 640, "min_kbps": 200, "max_kbps": 800},
}
DEFAULTS = {"mode": "RTC", "autopush": False, "muted": False, "enable-camera": True,
            "enable-mic": True, "fps": 15, "orientation": "vertical"}
FPS_MAX = 30
AUDIO_KBPS = 64
AUDIO_RATE = 44100
GOP_SECONDS = 2
VBV_SECONDS = 0.1  # rate-control buffer in seconds of max-bitrate: a keyframe cannot burst more
NETSTATUS_INTERVAL_S = 2.0
STOP_GRACE_S = 2.0
PROBE_US = 500000  # how long ffmpeg probes a live source before it starts

_out_lock = threading.Lock()


def send(msg):
    with _out_lock:
        sys.stdout.write(json.dumps(msg) + "\n")
        sys.stdout.flush()


def emit(event, detail):
    send({"event": event, "detail": detail, "ts": int(time.time() * 1000)})


def status(code, message):
    emit("statechange", {"code": code, "message": message})


def log(line):
    sys.stderr.write("python-driver: %s\n" % line)
    sys.stderr.flush()


class Fail(Exception):
    def __init__(self, err_msg, err_code=-1):
        super().__init__(err_msg)
        self.err_msg = err_msg
        self.err_code = err_code


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_attrs(attrs):
    """Checks the attributes this driver implements; the others are ignored (not claimed)."""
    for k in ("autopush", "muted", "enable-camera", "enable-mic"):
        if k in attrs and not isinstance(attrs[k], bool):
            raise Fail("%s: %s is not legal; expected a boolean" % (k, json.dumps(attrs[k])))
    if "url" in attrs and not (isinstance(attrs["url"], str) and re.match(r"^rtmps?://", attrs["url"])):
        raise Fail("url: %s is not legal; expected an rtmp:// url" % json.dumps(attrs["url"]))
    if "mode" in attrs and attrs["mode"] not in MODES:
        raise Fail("mode: %s is not legal; expected one of %s" % (json.dumps(attrs["mode"]), ", ".join(MODES)))
    if "orientation" in attrs and attrs["orientation"] not in ("vertical", "horizontal"):
        raise Fail("orientation: %s is not legal; expected vertical or horizontal" % json.dumps(attrs["orientation"]))
    if "fps" in attrs and not (is_int(attrs["fps"]) and 1 <= attrs["fps"] <= FPS_MAX):
        raise Fail("fps: %s is not legal; expected an integer from 1 to %d" % (json.dumps(attrs["fps"]), FPS_MAX))
    for k in ("min-bitrate", "max-bitrate"):
        if k in attrs and not (is_int(attrs[k]) and attrs[k] >= 1):
            raise Fail("%s: %s is not legal; expected a positive integer" % (k, json.dumps(attrs[k])))


def source_input(source):
    """ffmpeg input args for a rig source: its materialized url (a live stream, read at its own
    pace and probed briefly), its file, or None."""
    if not source:
        return None
    if source.get("url"):
        return ["-re", "-analyzeduration", str(PROBE_US), "-i", source["url"]]
    path = source.get("path") if source.get("kind") == "file" else source.get("file")
    if path:
        return ["-re", "-stream_loop", "-1", "-i", path]
    return None


class Push:
    """One ffmpeg pushing to the url; status codes follow what its log shows."""

    def __init__(self, settings, rig):
        self.settings = settings
        self.phase = "opening"
        self.stopping = False
        self.frames = 0
        self.bytes = 0
        self.last = (0, 0, time.time())
        args = self.ffmpeg_args(settings, rig)
        log("%s %s" % (FFMPEG, " ".join(args)))
        try:
            self.child = subprocess.Popen([FFMPEG] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, universal_newlines=True, bufsize=1)
        except OSError as err:
            emit("error", {"errCode": 10001, "errMsg": "cannot run %s: %s" % (FFMPEG, err)})
            raise Fail("start:fail cannot run %s: %s" % (FFMPEG, err))
        threading.Thread(target=self.read_log, daemon=True).start()
        threading.Thread(target=self.read_progress, daemon=True).start()
        threading.Thread(target=self.report, daemon=True).start()

    @staticmethod
    def permitted(rig, scope, err_code, what):
        """The rig's permission answers: a denied camera pushes black (errCode 10001), a denied
        microphone silence (10002). 10001 and 10002 are status codes as well: both events are due."""
        if (rig.get("permissions") or {}).get(scope) != "denied":
            return True
        err_msg = "%s permission denied (scope.%s)" % (what, scope)
        emit("error", {"errCode": err_code, "errMsg": err_msg})
        status(err_code, err_msg)
        return False

    @staticmethod
    def ffmpeg_args(s, rig):
        camera_rig = (rig.get("camera") or {}).get("front")
        if s["enable-camera"] and Push.permitted(rig, "camera", 10001, "camera"):
            camera = source_input(camera_rig)
        else:
            camera = ["-f", "lavfi", "-i", "color=black:size=%dx%d:rate=%d" % (s["width"], s["height"], s["fps"])]
        if camera is None:
            raise Fail("start:fail the rig has no camera this driver can open (needs camera.front.url or a file source)", 10001)
        if s["enable-mic"] and not s["muted"] and Push.permitted(rig, "record", 10002, "microphone"):
            mic = source_input(rig.get("microphone"))
        else:
            mic = ["-f", "lavfi", "-i", "anullsrc=r=%d:cl=mono" % AUDIO_RATE]
        if mic is None:
            raise Fail("start:fail the rig has no microphone this driver can open (needs microphone.url or a file source)", 10002)
        # A live stream joined midway starts at its own clock: both tracks restart at 0. Landscape
        # turns the portrait picture a quarter clockwise; then scale to cover the encoded size and
        # crop the centre (a 3:4 mode shows the middle of the 9:16 camera, never a stretch).
        video = ["setpts=PTS-STARTPTS", "fps=%d" % s["fps"]]
        if s["orientation"] == "horizontal":
            video.append("transpose=clock")
        video += ["scale=%d:%d:force_original_aspect_ratio=increase" % (s["width"], s["height"]),
                  "crop=%d:%d" % (s["width"], s["height"]), "format=yuv420p"]
        kbps = "%dk" % s["kbps"]
        return (["-hide_banner", "-loglevel", "info", "-progress", "pipe:1", "-nostats"] + camera + mic +
                ["-filter_complex", "[0:v]%s[v];[1:a]asetpts=PTS-STARTPTS[a]" % ",".join(video),
                 "-map", "[v]", "-map", "[a]",
                 # Constant bitrate at max-bitrate, padded so a still picture does not fall below it.
                 "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-x264-params", "nal-hrd=cbr",
                 "-b:v", kbps, "-minrate", kbps, "-maxrate", kbps,
                 "-bufsize", "%dk" % round(s["kbps"] * VBV_SECONDS), "-g", str(s["fps"] * GOP_SECONDS),
                 "-c:a", "aac", "-b:a", "%dk" % AUDIO_KBPS, "-ar", str(AUDIO_RATE), "-ac", "1",
                 "-f", "flv", s["url"]])

    def read_log(self):
        for line in self.child.stderr:
            line = line.rstrip("\n")
            log("ffmpeg: " + line)
            if self.phase == "opening" and line.startswith("Input #0"):
                self.phase = "input"
                status(1003, "camera opened")
            elif self.phase == "input" and line.startswith("Output #0"):
                # ffmpeg writes the output header once the first frame was encoded and the
                # server accepted the connection.
                self.phase = "connected"
                status(1007, "first frame captured")
                status(1008, "encoder started")
                status(1001, "connected to the server")
        code = self.child.wait()
        if not self.stopping:
            log("ffmpeg exited with %s" % code)
            status(-1307, "push ended: ffmpeg exited with %s" % code)

    def read_progress(self):
        for line in self.child.stdout:
            key, _, value = line.strip().partition("=")
            if key == "frame" and value.isdigit():
                self.frames = int(value)
            elif key == "total_size" and value.isdigit():
                self.bytes = int(value)
            elif key == "progress" and self.phase == "connected" and self.frames > 0:
                self.phase = "pushing"
                status(1002, "pushing")

    def report(self):
        """netstatus from ffmpeg's progress counters; the network figures it cannot see are 0."""
        while self.child.poll() is None and not self.stopping:
            time.sleep(NETSTATUS_INTERVAL_S)
            if self.phase != "pushing" or self.stopping:
                continue
            now = time.time()
            frames0, bytes0, at0 = self.last
            seconds = now - at0
            self.last = (self.frames, self.bytes, now)
            total_kbps = (self.bytes - bytes0) * 8 / 1000 / seconds
            s = self.settings
            emit("netstatus", {"info": {
                "videoBitrate": max(0, round(total_kbps - AUDIO_KBPS)),
                "audioBitrate": AUDIO_KBPS,
                "videoFPS": round((self.frames - frames0) / seconds),
                "videoGOP": GOP_SECONDS,
                "netSpeed": round(total_kbps),
                "netJitter": 0,
                "netQualityLevel": 0,
                "videoWidth": s["width"],
                "videoHeight": s["height"],
                "videoCache": 0,
                "audioCache": 0,
            }})

    def stop(self):
        self.stopping = True
        try:
            self.child.stdin.write("q")
            self.child.stdin.close()
        except OSError:
            pass
        try:
            self.child.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()


class Driver:
    def __init__(self):
        self.attrs = {}
        self.rig = {}
        self.push = None

    def settings(self):
        a = dict(DEFAULTS)
        a.update(self.attrs)
        mode = MODES[a["mode"]]
        width, height = mode["width"], mode["height"]
        if a["orientation"] == "horizontal":
            width, height = height, width
        a.update({"width": width, "height": height, "kbps": a.get("max-bitrate", mode["max_kbps"])})
        return a

    def start(self):
        if self.push and self.push.child.poll() is None:
            return
        s = self.settings()
        if not s.get("url"):
            raise Fail("start:fail no url")
        self.push = Push(s, self.rig)

    def stop(self):
        if self.push:
            self.push.stop()
            self.push = None

    def handle(self, req):
        p = req.get("params") or {}
        method = req.get("method")
        if method == "hello":
            return {"name": "python-example", "version": "0.1.0", "platform": sys.platform,
                    "protocolVersion": PROTOCOL_VERSION, "capabilities": CAPABILITIES}
        if method == "create":
            check_attrs(p.get("attrs") or {})
            self.attrs = dict(p.get("attrs") or {})
            self.rig = p.get("rig") or {}
            if self.attrs.get("autopush") and self.attrs.get("url"):
                self.start()
            return {"errMsg": "create:ok"}
        if method == "update":
            check_attrs(p.get("attrs") or {})
            self.attrs.update(p.get("attrs") or {})
            if self.push:
                # A runtime change restarts the push with the new settings.
                self.stop()
                self.start()
            return {"errMsg": "update:ok"}
        if method == "call":
            name = p.get("name")
            if name == "start":
                self.start()
                return {"errMsg": "start:ok"}
            if name == "stop":
                self.stop()
                return {"errMsg": "stop:ok"}
            raise Fail("%s:fail not supported by this driver" % name)
        if method == "dispose":
            self.stop()
            return {"errMsg": "dispose:ok"}
        raise Fail("unknown method %s" % json.dumps(method))


def main():
    driver = Driver()
    for line in iter(sys.stdin.readline, ""):  # requests are handled one at a time, in order
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            send({"id": req["id"], "result": driver.handle(req)})
        except Fail as err:
            send({"id": req["id"], "error": {"errMsg": err.err_msg, "errCode": err.err_code}})
        if req.get("method") == "dispose":
            return
    driver.stop()


if __name__ == "__main__":
    main()
