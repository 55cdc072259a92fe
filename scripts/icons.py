"""Draws the Rounds app icons (PNG) with the standard library only: a teal tile with a
white ring (a round) around a plus. Run from the repo root: python3 scripts/icons.py"""
import struct, zlib, math, sys

TEAL = (15, 92, 99)
WHITE = (255, 255, 255)

def png(path, size, pixels):
    raw = b"".join(b"\x00" + bytes(pixels[y * size * 4:(y + 1) * size * 4]) for y in range(size))
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))

def draw(size, maskable):
    """Coverage per pixel by 4x4 supersampling of a shape function on [0,1]^2."""
    S = 4
    px = bytearray(size * size * 4)
    # Maskable icons keep the logo inside the central 80% safe zone and fill the square.
    scale = 0.62 if maskable else 0.74
    radius_tile = 0.0 if maskable else 0.22
    for y in range(size):
        for x in range(size):
            tile = mark = 0
            for sy in range(S):
                for sx in range(S):
                    u = (x + (sx + 0.5) / S) / size
                    v = (y + (sy + 0.5) / S) / size
                    # rounded-square tile
                    dx = max(abs(u - 0.5) - (0.5 - radius_tile), 0)
                    dy = max(abs(v - 0.5) - (0.5 - radius_tile), 0)
                    if dx * dx + dy * dy <= radius_tile * radius_tile + 1e-12:
                        tile += 1
                        # logo in logo space [-1,1]
                        lx = (u - 0.5) / (scale / 2)
                        ly = (v - 0.5) / (scale / 2)
                        r = math.hypot(lx, ly)
                        ring = 0.80 <= r <= 1.0
                        plus = (abs(lx) <= 0.16 and abs(ly) <= 0.52) or (abs(ly) <= 0.16 and abs(lx) <= 0.52)
                        if ring or plus:
                            mark += 1
            n = S * S
            a = tile / n
            m = mark / max(tile, 1)
            i = (y * size + x) * 4
            for c in range(3):
                px[i + c] = round(TEAL[c] * (1 - m) + WHITE[c] * m)
            px[i + 3] = round(255 * a)
    return px

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "public/icons"
    for size in (192, 512):
        png(f"{out}/icon-{size}.png", size, draw(size, False))
        png(f"{out}/icon-maskable-{size}.png", size, draw(size, True))
