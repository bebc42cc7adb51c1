/**
 * A line chart as a PNG (pngjs, an exact devDependency), drawn pixel by pixel: light grid, axes,
 * numeric tick labels in a 3×5 digit font, one coloured line per series. No text beyond digits:
 * the caption in BENCHMARKS.md says what the axes and colours are.
 */
import { PNG } from 'pngjs';

export interface Series {
  color: [number, number, number];
  points: [number, number][];
}

const DIGITS: Record<string, string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '010', '010', '010'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '.': ['000', '000', '000', '000', '010'],
};

/** PNG bytes of `series` on a width×height canvas; xStep/yStep: grid spacing in data units. */
export function lineChart(
  series: Series[],
  opts: { width?: number; height?: number; xStep: number; yStep: number; xLabel?: (x: number) => string },
): Buffer {
  const W = opts.width ?? 900,
    H = opts.height ?? 420,
    L = 60,
    R = 20,
    T = 20,
    B = 40;
  const png = new PNG({ width: W, height: H });
  const set = (x: number, y: number, [r, g, b]: [number, number, number]) => {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const i = (y * W + x) * 4;
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
    png.data[i + 3] = 255;
  };
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) set(x, y, [255, 255, 255]);
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(...all.map((p) => p[0]), opts.xStep);
  const yMin = Math.floor(Math.min(...all.map((p) => p[1])) / opts.yStep) * opts.yStep;
  const yMax = Math.ceil(Math.max(...all.map((p) => p[1])) / opts.yStep) * opts.yStep || yMin + opts.yStep;
  const px = (x: number) => L + (x / xMax) * (W - L - R);
  const py = (y: number) => H - B - ((y - yMin) / (yMax - yMin || 1)) * (H - T - B);
  const text = (s: string, x: number, y: number, scale = 2) => {
    for (const [k, ch] of [...s].entries())
      for (const [dy, row] of (DIGITS[ch] ?? []).entries())
        for (const [dx, bit] of [...row].entries()) {
          if (bit !== '1') continue;
          for (let a = 0; a < scale; a++)
            for (let b = 0; b < scale; b++) set(x + (k * 4 + dx) * scale + a, y + dy * scale + b, [60, 60, 60]);
        }
  };
  for (let y = yMin; y <= yMax + 1e-9; y += opts.yStep) {
    for (let x = L; x < W - R; x++) set(x, py(y), [225, 225, 225]);
    const label = String(Math.round(y));
    text(label, L - 6 - label.length * 8, py(y) - 5);
  }
  for (let x = 0; x <= xMax + 1e-9; x += opts.xStep) {
    for (let y = T; y < H - B; y++) set(px(x), y, [235, 235, 235]);
    const label = opts.xLabel ? opts.xLabel(x) : String(x);
    text(label, px(x) - label.length * 4, H - B + 8);
  }
  for (let x = L; x < W - R; x++) set(x, H - B, [0, 0, 0]);
  for (let y = T; y < H - B; y++) set(L, y, [0, 0, 0]);
  for (const s of series) {
    for (let i = 1; i < s.points.length; i++) {
      const [x0, y0] = s.points[i - 1]!,
        [x1, y1] = s.points[i]!;
      const steps = Math.max(1, Math.ceil(Math.hypot(px(x1) - px(x0), py(y1) - py(y0))));
      for (let k = 0; k <= steps; k++) {
        const x = px(x0 + ((x1 - x0) * k) / steps),
          y = py(y0 + ((y1 - y0) * k) / steps);
        set(x, y, s.color);
        set(x, y + 1, s.color);
        set(x + 1, y, s.color);
      }
    }
  }
  return PNG.sync.write(png);
}
