"""Register encoding for the simulated Modbus peers, written independently of the Swift codec
(it is the oracle the hub's decoding is checked against). Specs are the JSON register specs of
`kwartier device list --json`: fn, address, type, word_order, count, scale, shift, mask, nan."""
import math
import struct

WIDTH = {"u16": 1, "s16": 1, "bit": 1, "u32": 2, "s32": 2, "float32": 2, "u64": 4, "s64": 4, "float64": 4}


def length(spec):
    return spec["count"] if spec["type"] == "string" else WIDTH[spec["type"]]


def _split(raw, n, order):
    words = [(raw >> (16 * (n - 1 - i))) & 0xFFFF for i in range(n)]
    return words[::-1] if order == "little" else words


def _join(words, order):
    ws = list(words)[::-1] if order == "little" else list(words)
    raw = 0
    for w in ws:
        raw = (raw << 16) | (w & 0xFFFF)
    return raw


def encode(value, spec):
    """Registers carrying `value` (engineering units, or text for strings)."""
    t = spec["type"]
    n = length(spec)
    if t == "string":
        b = str(value).encode("ascii")[: 2 * n]
        b = b + b"\0" * (2 * n - len(b))
        return [(b[2 * i] << 8) | b[2 * i + 1] for i in range(n)]
    if t == "bit":
        return [1 if value else 0]
    raw = value / spec.get("scale", 1) if spec.get("scale", 1) else value
    if t == "float32":
        return _split(struct.unpack(">I", struct.pack(">f", raw))[0], 2, spec["word_order"])
    if t == "float64":
        return _split(struct.unpack(">Q", struct.pack(">d", raw))[0], 4, spec["word_order"])
    bits = 16 * n
    r = int(round(raw))
    if t.startswith("s"):
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    else:
        lo, hi = 0, (1 << bits) - 1
    r = max(lo, min(hi, r))
    if r < 0:
        r += 1 << bits
    r = (r << spec.get("shift", 0)) & ((1 << bits) - 1)
    return _split(r, n, spec["word_order"])


def decode(words, spec):
    """Engineering value of written registers (numbers only)."""
    t = spec["type"]
    if t == "bit":
        return 1.0 if words[0] else 0.0
    raw = _join(words, spec["word_order"])
    if t == "float32":
        v = struct.unpack(">f", struct.pack(">I", raw))[0]
    elif t == "float64":
        v = struct.unpack(">d", struct.pack(">Q", raw))[0]
    else:
        bits = 16 * WIDTH[t]
        if t.startswith("s") and raw >= 1 << (bits - 1):
            raw -= 1 << bits
        v = float(raw >> spec.get("shift", 0)) if spec.get("shift", 0) else float(raw)
    if isinstance(v, float) and math.isnan(v):
        return v
    return v * spec.get("scale", 1)


def resolution(spec):
    """Smallest step a value of this spec can show (for comparisons)."""
    if spec["type"] in ("float32",):
        return 1e-3
    if spec["type"] == "float64":
        return 1e-6
    return abs(spec.get("scale", 1))
