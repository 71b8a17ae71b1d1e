// Decodes an SVG from qrSvg (its one path of module runs) with jsQR: proof that
// the code scans, used by the package and admin-page tests.
import jsQR from "jsqr";

/** Draws qrSvg's path onto a bitmap (scale px per module) and decodes it. */
export function decodeSvg(svg, scale = 4) {
  const size = Number(svg.match(/viewBox="0 0 (\d+) \1"/)[1]);
  const px = size * scale;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  const d = svg.match(/ d="([^"]*)"/)[1];
  for (const [, x, y, len] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < Number(len) * scale; dx++) {
        const i = ((Number(y) * scale + dy) * px + Number(x) * scale + dx) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
      }
    }
  }
  return jsQR(rgba, px, px)?.data;
}
