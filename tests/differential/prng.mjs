// Deterministic pseudo-random numbers for the differential tests: the same seed gives the same cases
// in node and in any re-run, so a failure can be reproduced from its seed.
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const bytes = (n) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  // Sizes skewed to the RLP boundaries (1, 55, 56, 256) where encoders go wrong.
  const size = () => {
    const r = next();
    if (r < 0.3) return int(3);
    if (r < 0.5) return 54 + int(4);
    if (r < 0.6) return 250 + int(10);
    if (r < 0.601) return 65530 + int(10);
    return int(120);
  };
  return { next, int, bytes, size };
}

export const hex = (b) => '0x' + Buffer.from(b).toString('hex');
